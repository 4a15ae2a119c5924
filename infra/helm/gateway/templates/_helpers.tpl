{{/* Labels every resource of the chart carries. */}}
{{- define "gateway.labels" -}}
app.kubernetes.io/part-of: bill-gateway
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/instance: {{ .Release.Name }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}

{{/* The CloudNativePG Cluster of a service's database. */}}
{{- define "gateway.pgCluster" -}}
{{ .root.Release.Name }}-{{ .service }}-pg
{{- end -}}

{{/* DATABASE_URL from the Secret CloudNativePG makes for the database's owner (<cluster>-app, key uri). */}}
{{- define "gateway.databaseUrlEnv" -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "gateway.pgCluster" . }}-app
      key: uri
{{- end -}}

{{- define "gateway.image" -}}
{{ .root.Values.image.registry }}/{{ .service }}:{{ .root.Values.image.tag }}
{{- end -}}
