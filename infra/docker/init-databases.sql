-- Run once by the postgres image on an empty volume (docker-entrypoint-initdb.d), as the
-- superuser POSTGRES_USER=gateway. One database per service: no service reads another's tables.
CREATE DATABASE billing OWNER gateway;
CREATE DATABASE payments OWNER gateway;
CREATE DATABASE bank_adapter OWNER gateway;
CREATE DATABASE notification OWNER gateway;
