package dev.conveyor.server.events;

import dev.conveyor.events.EventServices;
import dev.conveyor.events.delivery.DeliveryPolicy;
import java.time.Duration;

/**
 * How events are delivered: the SMTP server e-mail goes to ({@code --smtp-host}, {@code --smtp-port},
 * {@code --smtp-from}), the retry policy, and how often the dispatcher looks for due work when nothing woke it.
 * {@code recordTransitions} false leaves the engine without its outbox recorder: only the benchmark of the engine's
 * transition overhead (with and without events, same run) turns it off.
 */
public record EventSettings(EventServices.SmtpSettings smtp, DeliveryPolicy delivery, Duration tick, boolean recordTransitions) {
    public static EventSettings defaults() {
        return new EventSettings(EventServices.SmtpSettings.none(), DeliveryPolicy.defaults(), Duration.ofSeconds(1), true);
    }

    public EventSettings withSmtp(String host, int port, String from) {
        return new EventSettings(new EventServices.SmtpSettings(host, port, from), delivery, tick, recordTransitions);
    }

    public EventSettings withDelivery(DeliveryPolicy policy) {
        return new EventSettings(smtp, policy, tick, recordTransitions);
    }

    public EventSettings withoutTransitionEvents() {
        return new EventSettings(smtp, delivery, tick, false);
    }
}
