-- Run once by the postgres image on an empty volume (docker-entrypoint-initdb.d), as the
-- superuser POSTGRES_USER=gateway. One database per service, each owned by that service's own
-- login role and closed to every other (CONNECT revoked from PUBLIC): no service reads another's
-- tables, and a leaked password opens one database only. gateway stays the superuser for tools.
-- The passwords are the local ones (infra/local/lib.sh, local_service_password), as in compose.
CREATE ROLE billing LOGIN PASSWORD 'billing-local';
CREATE ROLE "payment-orchestration" LOGIN PASSWORD 'payment-orchestration-local';
CREATE ROLE "bank-adapter" LOGIN PASSWORD 'bank-adapter-local';
CREATE ROLE notification LOGIN PASSWORD 'notification-local';
CREATE DATABASE billing OWNER billing;
CREATE DATABASE payments OWNER "payment-orchestration";
CREATE DATABASE bank_adapter OWNER "bank-adapter";
CREATE DATABASE notification OWNER notification;
REVOKE ALL ON DATABASE billing FROM PUBLIC;
REVOKE ALL ON DATABASE payments FROM PUBLIC;
REVOKE ALL ON DATABASE bank_adapter FROM PUBLIC;
REVOKE ALL ON DATABASE notification FROM PUBLIC;
