{{/* Names and labels, the usual way. */}}
{{- define "pitcrew.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "pitcrew.fullname" -}}
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

{{- define "pitcrew.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Selector labels: stable across upgrades, so no chart version here. */}}
{{- define "pitcrew.selectorLabels" -}}
app.kubernetes.io/name: {{ include "pitcrew.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "pitcrew.labels" -}}
helm.sh/chart: {{ include "pitcrew.chart" . }}
{{ include "pitcrew.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "pitcrew.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "pitcrew.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "pitcrew.secretName" -}}
{{- default (include "pitcrew.fullname" .) .Values.existingSecret }}
{{- end }}

{{- define "pitcrew.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* The names of every runbook offered: the enabled shipped ones and the extra ones. */}}
{{- define "pitcrew.runbookNames" -}}
{{- $names := concat .Values.runbooks.enabled (keys .Values.runbooks.extra | sortAlpha) }}
{{- join "," $names }}
{{- end }}

{{/*
RBAC rules for the offered runbooks, for the given scopes (namespaces, cluster, default), from
files/actions.yaml: verbs merged per API group and resource, sorted, so the output is stable.
Usage: include "pitcrew.rules" (dict "root" $ "scopes" (list "namespaces"))
*/}}
{{- define "pitcrew.rules" -}}
{{- $root := .root }}
{{- $data := $root.Files.Get "files/actions.yaml" | fromYaml }}
{{- $actions := list }}
{{- range $root.Values.runbooks.enabled }}
{{- if not (hasKey $data.runbooks .) }}
{{- fail (printf "runbooks.enabled names %q, which is not a shipped runbook (%s)" . (keys $data.runbooks | sortAlpha | join ", ")) }}
{{- end }}
{{- $actions = append $actions (get $data.runbooks .) }}
{{- end }}
{{- range $name, $runbook := $root.Values.runbooks.extra }}
{{- if not (hasKey $data.actions (default "" $runbook.action)) }}
{{- fail (printf "runbooks.extra.%s.action must be one of %s" $name (keys $data.actions | sortAlpha | join ", ")) }}
{{- end }}
{{- $actions = append $actions $runbook.action }}
{{- end }}
{{- $merged := dict }}
{{- range $action := $actions | uniq }}
{{- range $rule := get $data.actions $action }}
{{- if has $rule.scope $.scopes }}
{{- $key := printf "%s|%s" $rule.apiGroup $rule.resource }}
{{- $verbs := concat (get $merged $key | default list) $rule.verbs | uniq | sortAlpha }}
{{- $_ := set $merged $key $verbs }}
{{- end }}
{{- end }}
{{- end }}
{{- range $key := keys $merged | sortAlpha }}
{{- $parts := splitList "|" $key }}
- apiGroups: [{{ index $parts 0 | quote }}]
  resources: [{{ index $parts 1 | quote }}]
  verbs: {{ get $merged $key | toJson }}
{{- end }}
{{- end }}

{{/*
PITCREW_CLUSTERS from clusters.inCluster and clusters.kubeconfigs; empty when none are named.
*/}}
{{- define "pitcrew.clusters" -}}
{{- $entries := list }}
{{- with .Values.clusters.inCluster }}
{{- $entries = append $entries (printf "%s=in-cluster" .) }}
{{- end }}
{{- range .Values.clusters.kubeconfigs }}
{{- $entries = append $entries (printf "%s=kubeconfig:/etc/pitcrew/clusters/%s/kubeconfig" .name .name) }}
{{- end }}
{{- join "," $entries }}
{{- end }}
