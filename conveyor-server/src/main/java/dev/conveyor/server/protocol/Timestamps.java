package dev.conveyor.server.protocol;

import com.fasterxml.jackson.databind.node.DecimalNode;
import java.math.BigDecimal;
import java.time.Instant;

/** AWS JSON timestamps: epoch seconds with millisecond fraction, written as a plain decimal number. */
public final class Timestamps {
    private Timestamps() {
    }

    public static DecimalNode epochSeconds(Instant instant) {
        return DecimalNode.valueOf(BigDecimal.valueOf(instant.toEpochMilli(), 3));
    }
}
