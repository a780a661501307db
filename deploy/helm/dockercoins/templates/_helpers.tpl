{{- /*
The bits every service's template shares. Objects are named after the services (rng, hasher,
worker, webui, redis), never after the release: the services find each other by those bare
names (http://rng/, http://hasher/, redis:6379). So: one release per namespace.
*/}}

{{- /* Labels of an object: (list root service). app=<service> (what Services select; none for
"") and Helm's own. Pods get app=<service> only. */}}
{{- define "dockercoins.labels" -}}
{{- $root := index . 0 -}}
{{ with index . 1 }}app: {{ . }}
{{ end -}}
app.kubernetes.io/managed-by: {{ $root.Release.Service }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
helm.sh/chart: {{ printf "%s-%s" $root.Chart.Name $root.Chart.Version }}
{{- end }}

{{- /* <registry>/<service>:<tag>, the service's own registry and tag overriding the global ones. */}}
{{- define "dockercoins.image" -}}
{{- $root := index . 0 -}}
{{- $name := index . 1 -}}
{{- $own := (index $root.Values $name).image -}}
{{- printf "%s/%s:%s" ($own.registry | default $root.Values.image.registry) $name ($own.tag | default $root.Values.image.tag) -}}
{{- end }}

{{- /*
The env list of a container, from a dict of variable name to value: only the values given, so
that the others keep the image's defaults. true becomes "y" (DEBUG), false and "" set nothing.
*/}}
{{- define "dockercoins.env" -}}
{{- range $name, $value := . }}
{{- if and (not (kindIs "invalid" $value)) (ne (toString $value) "") (ne (toString $value) "false") }}
- name: {{ $name }}
  value: {{ ternary "y" (toString $value) (eq (toString $value) "true") | quote }}
{{- end }}
{{- end }}
{{- end }}

{{- /* The probes of rng, hasher and webui, as chosen by .Values.probes (values.yaml says which). */}}
{{- define "dockercoins.probes" -}}
{{- if eq .Values.probes "readiness" -}}
readinessProbe:
  httpGet:
    path: /
    port: 80
  periodSeconds: 5
  timeoutSeconds: 1
  failureThreshold: 3
{{- else if eq .Values.probes "healthz" -}}
livenessProbe:
  httpGet:
    path: /healthz
    port: 80
  periodSeconds: 10
  timeoutSeconds: 1
  failureThreshold: 3
readinessProbe:
  httpGet:
    path: /readyz
    port: 80
  periodSeconds: 2
  timeoutSeconds: 1
  failureThreshold: 2
  successThreshold: 1
{{- else if ne .Values.probes "none" -}}
{{- fail (printf "probes must be none, readiness or healthz, got %q" .Values.probes) -}}
{{- end }}
{{- end }}

{{- /*
The securityContext of a hardened container (deploy/k8s/components/hardened): (list uid bindsPort80).
The images' user is nobody (65534), the redis image's redis (999). rng, hasher and webui bind
port 80 as that user through a file capability on the image's java: with every capability
dropped the kernel would refuse to run it, so they add back NET_BIND_SERVICE (the one the
restricted Pod Security Standard allows), and their pods lower the first unprivileged port.
*/}}
{{- define "dockercoins.hardenedSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ index . 0 }}
runAsGroup: {{ index . 0 }}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
  {{- if index . 1 }}
  add: [NET_BIND_SERVICE]
  {{- end }}
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- /*
Resources of a container: (list root resources "java"|"redis"). The service's own resources
when given; else, hardened, the sizes measured in docs/bench.md (a Java service uses 26-49
MB with -Xmx32m, redis less); else none.
*/}}
{{- define "dockercoins.resources" -}}
{{- $root := index . 0 -}}
{{- $own := index . 1 -}}
{{- if $own -}}
{{- toYaml $own }}
{{- else if $root.Values.hardened -}}
requests: {cpu: 50m, memory: {{ ternary "32Mi" "64Mi" (eq (index . 2) "redis") }}}
limits: {memory: 128Mi}
{{- end }}
{{- end }}

{{- /*
The pod template of a Java service (rng, hasher, worker, webui) and its one container. A dict:
  root         the chart's context ($)
  name         the service
  port         the port it listens on (rng, hasher, webui: 80; the worker: none)
  env          its settings, variable name to value (see dockercoins.env)
  metricsPort  where Prometheus scrapes its /metrics when metrics.enabled ("": not scraped)
*/}}
{{- define "dockercoins.javaPod" -}}
{{- $root := .root -}}
{{- $values := index $root.Values .name -}}
metadata:
  labels:
    app: {{ .name }}
  {{- if and $root.Values.metrics.enabled (ne (toString .metricsPort) "") }}
  annotations:
    prometheus.io/scrape: "true"
    prometheus.io/port: {{ .metricsPort | toString | quote }}
    prometheus.io/path: /metrics
  {{- end }}
spec:
  {{- if $root.Values.hardened }}
  automountServiceAccountToken: false
  {{- if .port }}
  securityContext:
    sysctls:
    - name: net.ipv4.ip_unprivileged_port_start
      value: "0"
  {{- end }}
  volumes:
  - {name: tmp, emptyDir: {sizeLimit: 16Mi}}
  {{- end }}
  containers:
  - name: {{ .name }}
    image: {{ include "dockercoins.image" (list $root .name) }}
    {{- with $root.Values.image.pullPolicy }}
    imagePullPolicy: {{ . }}
    {{- end }}
    {{- $chaos := and (not (empty .port)) $root.Values.chaos.enabled }}
    {{- if .port }}
    ports:
    - containerPort: {{ .port }}
    {{- if $chaos }}
    - {name: chaos, containerPort: 8081}
    {{- end }}
    {{- end }}
    {{- $env := merge (dict) .env $root.Values.chaos.env (ternary (dict "CHAOS" "on") (dict) $chaos) }}
    {{- with include "dockercoins.env" $env | trim }}
    env: {{- . | nindent 4 }}
    {{- end }}
    {{- if .port }}
    {{- with include "dockercoins.probes" $root }}
    {{- . | nindent 4 }}
    {{- end }}
    {{- end }}
    {{- if $root.Values.hardened }}
    securityContext: {{- include "dockercoins.hardenedSecurityContext" (list 65534 (eq (toString .port) "80")) | nindent 6 }}
    volumeMounts:
    - {name: tmp, mountPath: /tmp}
    {{- end }}
    {{- with include "dockercoins.resources" (list $root $values.resources "java") }}
    resources: {{- . | nindent 6 }}
    {{- end }}
{{- end }}
