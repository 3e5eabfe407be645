package dev.conveyor.server.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.server.auth.Caller;
import dev.conveyor.server.protocol.JsonOperation;
import dev.conveyor.server.protocol.RequestContext;
import java.util.function.BiPredicate;

/**
 * ListWebhooks with each webhook's {@code authenticationConfiguration.SecretToken} shown only to callers who may
 * replace it: those allowed {@code codepipeline:PutWebhook} on that webhook's ARN (whoever can set the secret may read
 * it back); everyone else sees {@link #MASK}. The rest of the listing is as ListWebhooks gives it.
 */
public final class WebhookSecretMasking implements JsonOperation {
    public static final String MASK = "****";

    private final JsonOperation listWebhooks;
    private final BiPredicate<Caller, String> mayReadSecret;

    /** @param mayReadSecret whether a caller may see the secret of the webhook with this ARN */
    public WebhookSecretMasking(JsonOperation listWebhooks, BiPredicate<Caller, String> mayReadSecret) {
        this.listWebhooks = listWebhooks;
        this.mayReadSecret = mayReadSecret;
    }

    @Override
    public JsonNode handle(JsonNode input, RequestContext context) {
        JsonNode out = listWebhooks.handle(input, context);
        for (JsonNode item : out.path("webhooks")) {
            JsonNode configuration = item.path("definition").path("authenticationConfiguration");
            if (configuration instanceof ObjectNode c && c.has("SecretToken") && !mayReadSecret.test(context.caller(), item.path("arn").asText())) {
                c.put("SecretToken", MASK);
            }
        }
        return out;
    }
}
