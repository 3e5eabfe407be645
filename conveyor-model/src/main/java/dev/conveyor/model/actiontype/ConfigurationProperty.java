package dev.conveyor.model.actiontype;

/**
 * One configuration property of an action or rule type, mirroring the model's {@code ActionConfigurationProperty}
 * and {@code RuleConfigurationProperty}. {@code secret} values are masked when a pipeline is read back;
 * {@code description} and {@code type} may be null, as in the model.
 */
public record ConfigurationProperty(
        String name,
        boolean required,
        boolean key,
        boolean secret,
        boolean queryable,
        String description,
        ConfigurationPropertyType type) {

    /**
     * A required string property. AWS does not document the {@code key} flag of its built-in types; required
     * properties identify the target resource, so they are marked as keys.
     */
    public static ConfigurationProperty required(String name) {
        return new ConfigurationProperty(name, true, true, false, false, null, ConfigurationPropertyType.STRING);
    }

    /** An optional string property. */
    public static ConfigurationProperty optional(String name) {
        return new ConfigurationProperty(name, false, false, false, false, null, ConfigurationPropertyType.STRING);
    }

    public ConfigurationProperty ofType(ConfigurationPropertyType newType) {
        return new ConfigurationProperty(name, required, key, secret, queryable, description, newType);
    }

    /** The same property, masked on read (OAuth tokens, client secrets). */
    public ConfigurationProperty asSecret() {
        return new ConfigurationProperty(name, required, key, true, queryable, description, type);
    }
}
