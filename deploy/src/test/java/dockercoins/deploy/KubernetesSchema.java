package dockercoins.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.cfg.MapperConfig;
import tools.jackson.databind.introspect.Annotated;
import tools.jackson.databind.introspect.JacksonAnnotationIntrospector;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

/**
 * A strict check of Kubernetes objects against the API type of their kind, as the API server
 * decodes them with strict field validation (kubectl apply's default): a field the type does not
 * have, or a value of the wrong JSON type ({@code replicas: "3"}, {@code value: 0} for a string,
 * {@code readOnlyRootFilesystem: "true"}), is a violation.
 *
 * <p>The types are fabric8's kubernetes-model (generated from the Kubernetes API's OpenAPI
 * definitions). Read as it is, that model is lenient on purpose: unknown fields land in each
 * class's {@code additionalProperties} map and Jackson coerces scalars. Here the any-setter that
 * fills those maps is switched off, unknown and ignored properties fail, scalar coercion fails, and
 * {@link Quantity} (which fabric8 reads from any value) accepts only a number or a quantity string.
 *
 * <p>Only the kinds in {@link #TYPES} are known: any other apiVersion and kind (a custom resource
 * such as a ServiceMonitor, or a removed API version such as apps/v1beta1) is reported as a
 * violation, never let through unchecked. Not checked: enum values, required fields, names'
 * syntax (the API server's validation, after decoding).
 */
final class KubernetesSchema {

    /** The kinds it can check, by "apiVersion kind". Add a core type here when a manifest needs one. */
    static final Map<String, Class<? extends HasMetadata>> TYPES = Stream.of(
                    Namespace.class, ConfigMap.class, Secret.class, ServiceAccount.class, Pod.class, Service.class,
                    Deployment.class, DaemonSet.class, StatefulSet.class,
                    NetworkPolicy.class, Ingress.class, HorizontalPodAutoscaler.class)
            .collect(Collectors.toUnmodifiableMap(t -> HasMetadata.getApiVersion(t) + " " + HasMetadata.getKind(t),
                    Function.identity()));

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .annotationIntrospector(new NoAnySetter())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_IGNORED_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT, DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .withCoercionConfig(LogicalType.Textual, c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Integer, c -> c.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Boolean, c -> c.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail))
            .addMixIn(Quantity.class, StrictQuantityMixIn.class)
            .build();

    private KubernetesSchema() {}

    /** What is wrong with this object (a parsed YAML document), or empty when it is valid. */
    static Optional<String> violation(Map<String, Object> object) {
        String apiVersion = String.valueOf(object.get("apiVersion"));
        String kind = String.valueOf(object.get("kind"));
        Class<? extends HasMetadata> type = TYPES.get(apiVersion + " " + kind);
        if (type == null) {
            return Optional.of("no schema for apiVersion " + apiVersion + ", kind " + kind
                    + ": a custom resource or an API version Kubernetes does not serve; check it explicitly"
                    + " (or add its type to KubernetesSchema.TYPES)");
        }
        try {
            HasMetadata typed = STRICT.convertValue(object, type);
            if (typed.getMetadata() == null || typed.getMetadata().getName() == null) {
                return Optional.of(kind + " without metadata.name");
            }
            return Optional.empty();
        } catch (JacksonException e) {
            return Optional.of(kind + " " + name(object) + ": " + path(e.getPath()) + ": " + e.getOriginalMessage());
        } catch (IllegalArgumentException e) {
            return Optional.of(kind + " " + name(object) + ": " + e.getMessage());
        }
    }

    private static String name(Map<String, Object> object) {
        return object.get("metadata") instanceof Map<?, ?> m ? String.valueOf(m.get("name")) : "(no metadata)";
    }

    /** spec.template.spec.containers[0].image, from Jackson's path of the failure. */
    private static String path(List<JacksonException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference r : references) {
            if (r.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(r.getPropertyName());
            } else if (r.getIndex() >= 0) {
                path.append('[').append(r.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "(the object)" : path.toString();
    }

    /** fabric8's classes collect unknown fields with {@code @JsonAnySetter}: without it, they fail. */
    private static final class NoAnySetter extends JacksonAnnotationIntrospector {
        @Override
        public Boolean hasAnySetter(MapperConfig<?> config, Annotated a) {
            return Boolean.FALSE;
        }
    }

    @JsonDeserialize(using = StrictQuantity.class)
    private abstract static class StrictQuantityMixIn {}

    /**
     * A resource quantity as the API server reads it: a JSON number, or a string such as 50m,
     * 64Mi, 1.5, 2e3 (fabric8's own deserializer also takes objects and booleans).
     */
    static final class StrictQuantity extends ValueDeserializer<Quantity> {
        private static final Pattern QUANTITY =
                Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?\\d+)?");

        @Override
        public Quantity deserialize(JsonParser p, DeserializationContext ctxt) {
            JsonToken token = p.currentToken();
            if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
                return new Quantity(p.getString());
            }
            if (token == JsonToken.VALUE_STRING && QUANTITY.matcher(p.getString()).matches()) {
                return new Quantity(p.getString());
            }
            return ctxt.reportInputMismatch(this, "a quantity is a number or a string such as 64Mi, got %s",
                    token == JsonToken.VALUE_STRING ? '"' + p.getString() + '"' : token);
        }
    }
}
