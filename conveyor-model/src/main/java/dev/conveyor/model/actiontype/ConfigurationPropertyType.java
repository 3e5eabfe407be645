package dev.conveyor.model.actiontype;

/** The model's {@code ActionConfigurationPropertyType}; {@link #wireName()} is the value on the wire. */
public enum ConfigurationPropertyType {
    STRING("String"),
    NUMBER("Number"),
    BOOLEAN("Boolean");

    private final String wireName;

    ConfigurationPropertyType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static ConfigurationPropertyType fromWireName(String wireName) {
        for (ConfigurationPropertyType type : values()) {
            if (type.wireName.equals(wireName)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown configuration property type " + wireName);
    }
}
