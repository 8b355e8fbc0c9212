{{/* Names */}}
{{- define "lookalike.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "lookalike.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "lookalike.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "lookalike.selectorLabels" -}}
app.kubernetes.io/name: {{ include "lookalike.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "lookalike.labels" -}}
helm.sh/chart: {{ include "lookalike.chart" . }}
{{ include "lookalike.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: lookalike
{{- end }}

{{- define "lookalike.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "lookalike.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "lookalike.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{- define "lookalike.policiesConfigMap" -}}
{{- default (printf "%s-policies" (include "lookalike.fullname" .)) .Values.policies.existingConfigMap }}
{{- end }}

{{/* Whether the state is the embedded single-process store. */}}
{{- define "lookalike.embeddedState" -}}
{{- if hasKey .Values.config.state "embedded_path" }}true{{ end }}
{{- end }}

{{/* Whether the OTLP collector's headers Secret is mounted (traces on, a Secret named). */}}
{{- define "lookalike.otlpHeaders" -}}
{{- if and .Values.telemetry.otlp.enabled .Values.telemetry.otlp.headers.existingSecret }}true{{ end }}
{{- end }}

{{/* Refuses combinations the schema cannot express. */}}
{{- define "lookalike.validate" -}}
{{- $host := toString .Values.config.server.host }}
{{- if or (eq $host "127.0.0.1") (eq $host "localhost") (eq $host "::1") }}
{{- fail "config.server.host is a loopback address: the Service and probes cannot reach it (use 0.0.0.0)" }}
{{- end }}
{{- $graceMs := default 10000 .Values.config.server.shutdown_grace_ms }}
{{- if le (mul .Values.terminationGracePeriodSeconds 1000) (int64 $graceMs) }}
{{- fail "terminationGracePeriodSeconds must exceed config.server.shutdown_grace_ms" }}
{{- end }}
{{- if hasKey .Values.config "telemetry" }}
{{- fail "config.telemetry is rendered from telemetry.otlp (which also opens the NetworkPolicy to the collector): set that instead" }}
{{- end }}
{{- with .Values.telemetry.otlp }}
{{- if .enabled }}
{{- if not .endpoint }}
{{- fail "telemetry.otlp.enabled needs telemetry.otlp.endpoint (the collector's OTLP/HTTP base URL)" }}
{{- end }}
{{- if and .headers.existingSecret (not (hasPrefix "https://" .endpoint)) }}
{{- fail "telemetry.otlp.headers carries credentials: it needs an https telemetry.otlp.endpoint" }}
{{- end }}
{{- if and $.Values.networkPolicy.enabled (not (or .egress.cidr .egress.namespaceSelector .egress.podSelector)) }}
{{- fail "telemetry.otlp.egress: declare where the collector is (cidr, or namespaceSelector/podSelector) so the NetworkPolicy lets the spans out" }}
{{- end }}
{{- end }}
{{- end }}
{{- if include "lookalike.embeddedState" . }}
{{- if or (gt (int .Values.replicaCount) 1) .Values.autoscaling.enabled .Values.worker.enabled }}
{{- fail "config.state.embedded_path is single-process: replicaCount > 1, autoscaling and workers need a PostgreSQL state database (config.state.connection)" }}
{{- end }}
{{- if not (hasPrefix (printf "%s/" (trimSuffix "/" .Values.persistence.mountPath)) (toString .Values.config.state.embedded_path)) }}
{{- fail "config.state.embedded_path must be under persistence.mountPath (the root filesystem is read-only)" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The pod template shared by the API and the worker Deployment.
Arguments: dict "root" $ "component" "api"|"worker" "args" list "resources" map "probes" bool
*/}}
{{- define "lookalike.podTemplate" -}}
{{- $root := .root }}
{{- $v := $root.Values -}}
metadata:
  labels:
    {{- include "lookalike.selectorLabels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ .component }}
    {{- with $v.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations:
    checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
    checksum/policies: {{ include (print $root.Template.BasePath "/policies-configmap.yaml") $root | sha256sum }}
    {{- with $v.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  serviceAccountName: {{ include "lookalike.serviceAccountName" $root }}
  automountServiceAccountToken: false
  enableServiceLinks: false
  terminationGracePeriodSeconds: {{ $v.terminationGracePeriodSeconds }}
  {{- with $v.priorityClassName }}
  priorityClassName: {{ . }}
  {{- end }}
  {{- with $v.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  securityContext:
    runAsNonRoot: true
    {{- with $v.securityContext.runAsUser }}
    runAsUser: {{ . }}
    {{- end }}
    {{- with $v.securityContext.runAsGroup }}
    runAsGroup: {{ . }}
    {{- end }}
    {{- with $v.securityContext.fsGroup }}
    fsGroup: {{ . }}
    {{- end }}
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: {{ .component }}
      image: {{ include "lookalike.image" $root | quote }}
      imagePullPolicy: {{ $v.image.pullPolicy }}
      args:
        {{- toYaml .args | nindent 8 }}
      securityContext:
        runAsNonRoot: true
        {{- with $v.securityContext.runAsUser }}
        runAsUser: {{ . }}
        {{- end }}
        {{- with $v.securityContext.runAsGroup }}
        runAsGroup: {{ . }}
        {{- end }}
        readOnlyRootFilesystem: true
        allowPrivilegeEscalation: false
        privileged: false
        capabilities:
          drop: ["ALL"]
        seccompProfile:
          type: RuntimeDefault
      env:
        - name: HOME
          value: /tmp
        - name: TMPDIR
          value: /tmp
        - name: LOOKALIKE_LOG_FORMAT
          value: {{ $v.logFormat | quote }}
        {{- if $v.secrets.manifestSigningKey.existingSecret }}
        - name: LOOKALIKE_SIGNING_KEY_FILE
          value: /etc/lookalike/secrets/manifest-signing/key
        {{- end }}
        {{- with $v.extraEnv }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- if eq .component "api" }}
      ports:
        - name: http
          containerPort: {{ $v.config.server.port }}
          protocol: TCP
      {{- end }}
      {{- if .probes }}
      {{- with $v.probes.startup }}
      {{- if .enabled }}
      startupProbe:
        httpGet: { path: /livez, port: http }
        {{- include "lookalike.probeTiming" . | nindent 8 }}
      {{- end }}
      {{- end }}
      {{- with $v.probes.liveness }}
      {{- if .enabled }}
      livenessProbe:
        httpGet: { path: /livez, port: http }
        {{- include "lookalike.probeTiming" . | nindent 8 }}
      {{- end }}
      {{- end }}
      {{- with $v.probes.readiness }}
      {{- if .enabled }}
      readinessProbe:
        httpGet: { path: /readyz, port: http }
        {{- include "lookalike.probeTiming" . | nindent 8 }}
      {{- end }}
      {{- end }}
      {{- end }}
      resources:
        {{- toYaml .resources | nindent 8 }}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
        - name: config
          mountPath: /etc/lookalike/config.yaml
          subPath: config.yaml
          readOnly: true
        - name: policies
          mountPath: /etc/lookalike/policies
          readOnly: true
        - name: substitution-key
          mountPath: /etc/lookalike/secrets/substitution
          readOnly: true
        {{- if $v.secrets.manifestSigningKey.existingSecret }}
        - name: manifest-signing-key
          mountPath: /etc/lookalike/secrets/manifest-signing
          readOnly: true
        {{- end }}
        {{- if $v.secrets.databases.existingSecret }}
        - name: databases
          mountPath: /etc/lookalike/secrets/databases
          readOnly: true
        {{- end }}
        {{- if include "lookalike.otlpHeaders" $root }}
        - name: otlp-headers
          mountPath: /etc/lookalike/secrets/otlp-headers
          readOnly: true
        {{- end }}
        {{- if include "lookalike.embeddedState" $root }}
        - name: state
          mountPath: {{ $v.persistence.mountPath }}
        {{- end }}
        {{- with $v.extraVolumeMounts }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
  volumes:
    - name: tmp
      emptyDir:
        sizeLimit: {{ $v.tmpVolume.sizeLimit }}
        {{- with $v.tmpVolume.medium }}
        medium: {{ . }}
        {{- end }}
    - name: config
      configMap:
        name: {{ include "lookalike.fullname" $root }}
    - name: policies
      configMap:
        name: {{ include "lookalike.policiesConfigMap" $root }}
    - name: substitution-key
      secret:
        secretName: {{ $v.secrets.substitutionKey.existingSecret }}
        defaultMode: 288 # 0440: YAML 1.1 and 1.2 read a leading zero differently
        items:
          - key: {{ $v.secrets.substitutionKey.key }}
            path: key
    {{- if $v.secrets.manifestSigningKey.existingSecret }}
    - name: manifest-signing-key
      secret:
        secretName: {{ $v.secrets.manifestSigningKey.existingSecret }}
        defaultMode: 288 # 0440: YAML 1.1 and 1.2 read a leading zero differently
        items:
          - key: {{ $v.secrets.manifestSigningKey.key }}
            path: key
    {{- end }}
    {{- if $v.secrets.databases.existingSecret }}
    - name: databases
      secret:
        secretName: {{ $v.secrets.databases.existingSecret }}
        defaultMode: 288 # 0440: YAML 1.1 and 1.2 read a leading zero differently
    {{- end }}
    {{- if include "lookalike.otlpHeaders" $root }}
    - name: otlp-headers
      secret:
        secretName: {{ $v.telemetry.otlp.headers.existingSecret }}
        defaultMode: 288 # 0440: YAML 1.1 and 1.2 read a leading zero differently
        items:
          - key: {{ $v.telemetry.otlp.headers.key }}
            path: headers
    {{- end }}
    {{- if include "lookalike.embeddedState" $root }}
    - name: state
      {{- if $v.persistence.existingClaim }}
      persistentVolumeClaim:
        claimName: {{ $v.persistence.existingClaim }}
      {{- else }}
      emptyDir: {}
      {{- end }}
    {{- end }}
    {{- with $v.extraVolumes }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- with $v.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.topologySpreadConstraints }}
  topologySpreadConstraints:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}

{{- define "lookalike.probeTiming" -}}
{{- with .initialDelaySeconds }}
initialDelaySeconds: {{ . }}
{{- end }}
periodSeconds: {{ .periodSeconds }}
timeoutSeconds: {{ .timeoutSeconds }}
failureThreshold: {{ .failureThreshold }}
{{- end }}
