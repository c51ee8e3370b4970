{{- /* Written for this project's e2e tests. */ -}}

{{- /* Keys cni reads either as `cni.X` or (1.24+) as top-level `X`. */ -}}
{{- define "cni.prefixedKeys" -}}
[hub, tag, variant, image, pullPolicy, logLevel, logging, cniBinDir, cniConfDir, cniConfFileName, cniNetnsDir,
 excludeNamespaces, affinity, podAnnotations, chained, provider, ambient, repair, seccompProfile, seLinuxOptions,
 resources, resourceQuotas, rollingMaxUnavailable, updateStrategy, istioOwnedCNIConfigFileName, istioOwnedCNIConfig,
 tolerations, env]
{{- end -}}

{{- define "cni.load" -}}
{{- $keys := include "cni.prefixedKeys" .root | fromYamlArray -}}
{{- include "testistio.values" (dict "root" .root "out" .out "prefix" "cni" "prefixable" $keys "flattenGlobals" false) -}}
{{- end -}}
