{{- /* Written for this project's e2e tests. */ -}}

{{- /* Keys istiod reads either as `pilot.X` or (1.24+) as top-level `X`. */ -}}
{{- define "istiod.pilotKeys" -}}
[autoscaleEnabled, autoscaleMin, autoscaleMax, autoscaleBehavior, replicaCount, rollingMaxSurge,
 rollingMaxUnavailable, hub, tag, variant, image, traceSampling, resources, seccompProfile, cni, extraContainerArgs,
 env, envVarFrom, taint, affinity, tolerations, cpu, memory, volumeMounts, volumes, initContainers, nodeSelector,
 podAnnotations, serviceAnnotations, serviceAccountAnnotations, sidecarInjectorWebhookAnnotations,
 topologySpreadConstraints, jwksResolverExtraRootCA, keepaliveMaxServerConnectionAge, deploymentLabels,
 deploymentAnnotations, configMap, podLabels, ipFamilyPolicy, ipFamilies, trustedZtunnelNamespace,
 trustedZtunnelName, gatewayClasses, pdb]
{{- end -}}

{{- define "istiod.load" -}}
{{- $keys := include "istiod.pilotKeys" .root | fromYamlArray -}}
{{- include "testistio.values" (dict "root" .root "out" .out "prefix" "pilot" "prefixable" $keys "flattenGlobals" false) -}}
{{- end -}}

{{- /* istiod[-<revision>] */ -}}
{{- define "istiod.name" -}}
istiod{{ with get . "revision" }}-{{ . }}{{ end }}
{{- end -}}

{{- /* Whether the istiod workload (Deployment, Service, HPA, PDB) is rendered. */ -}}
{{- define "istiod.local" -}}
{{- $remote := get . "istiodRemote" | default dict -}}
{{- if or (not $remote.enabled) $remote.enabledLocalInjectorIstiod }}true{{ end -}}
{{- end -}}

{{- define "istiod.selectorLabels" -}}
app: istiod
istio.io/rev: {{ get . "revision" | default "default" }}
{{- end -}}
