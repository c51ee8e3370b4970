{{- /* Written for this project's e2e tests. */ -}}
{{- define "ztunnel.load" -}}
{{- include "testistio.values" (dict "root" .root "out" .out "prefix" "" "prefixable" list "flattenGlobals" true) -}}
{{- end -}}

{{- define "ztunnel.name" -}}
{{- get . "resourceName" | default "ztunnel" -}}
{{- end -}}
