package dev.conveyor.events.sns;

import dev.conveyor.store.jdbc.Queries;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Topics and subscriptions. */
public final class Topics {
    public record Topic(String arn, String name, String attributes) {
    }

    public record Subscription(String arn, String topicArn, String protocol, String endpoint, String status, String token,
                               String attributes) {
        public boolean confirmed() {
            return "Confirmed".equals(status);
        }
    }

    public Optional<Topic> topic(Connection c, String arn) throws SQLException {
        return Queries.first(c, "SELECT arn, name, attributes FROM sns_topic WHERE arn = ?", r -> new Topic(r.getString(1), r.getString(2),
                r.getString(3)), arn);
    }

    public List<Topic> topics(Connection c) throws SQLException {
        return Queries.list(c, "SELECT arn, name, attributes FROM sns_topic ORDER BY arn", r -> new Topic(r.getString(1), r.getString(2),
                r.getString(3)));
    }

    public void createTopic(Connection c, String arn, String name, String attributes, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO sns_topic (arn, name, attributes, created_at) VALUES (?, ?, ?, ?)")) {
            s.setString(1, arn);
            s.setString(2, name);
            s.setString(3, attributes);
            s.setLong(4, now.toEpochMilli());
            s.executeUpdate();
        }
    }

    public void deleteTopic(Connection c, String arn) throws SQLException {
        Queries.update(c, "DELETE FROM sns_subscription WHERE topic_arn = ?", arn);
        Queries.update(c, "DELETE FROM sns_topic WHERE arn = ?", arn);
    }

    private static final String SUB = "SELECT arn, topic_arn, protocol, endpoint, status, token, attributes FROM sns_subscription";

    private static Subscription sub(java.sql.ResultSet r) throws SQLException {
        return new Subscription(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getString(6),
                r.getString(7));
    }

    public List<Subscription> subscriptions(Connection c, String topicArn) throws SQLException {
        return Queries.list(c, SUB + " WHERE topic_arn = ? ORDER BY created_at, arn", Topics::sub, topicArn);
    }

    public List<Subscription> allSubscriptions(Connection c) throws SQLException {
        return Queries.list(c, SUB + " ORDER BY created_at, arn", Topics::sub);
    }

    public Optional<Subscription> subscription(Connection c, String arn) throws SQLException {
        return Queries.first(c, SUB + " WHERE arn = ?", Topics::sub, arn);
    }

    public Optional<Subscription> subscriptionTo(Connection c, String topicArn, String protocol, String endpoint) throws SQLException {
        return Queries.first(c, SUB + " WHERE topic_arn = ? AND protocol = ? AND endpoint = ?", Topics::sub, topicArn, protocol, endpoint);
    }

    public void addSubscription(Connection c, Subscription s, Instant now) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO sns_subscription (arn, topic_arn, protocol, endpoint, status, token, "
                + "attributes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            p.setString(1, s.arn());
            p.setString(2, s.topicArn());
            p.setString(3, s.protocol());
            p.setString(4, s.endpoint());
            p.setString(5, s.status());
            p.setString(6, s.token());
            p.setString(7, s.attributes());
            p.setLong(8, now.toEpochMilli());
            p.executeUpdate();
        }
    }

    public boolean confirm(Connection c, String topicArn, String token) throws SQLException {
        return Queries.update(c, "UPDATE sns_subscription SET status = 'Confirmed' WHERE topic_arn = ? AND token = ?", topicArn, token) > 0;
    }

    public Optional<Subscription> byToken(Connection c, String topicArn, String token) throws SQLException {
        return Queries.first(c, SUB + " WHERE topic_arn = ? AND token = ?", Topics::sub, topicArn, token);
    }

    public boolean unsubscribe(Connection c, String arn) throws SQLException {
        return Queries.update(c, "DELETE FROM sns_subscription WHERE arn = ?", arn) > 0;
    }

    public void setSubscriptionAttributes(Connection c, String arn, String attributes) throws SQLException {
        Queries.update(c, "UPDATE sns_subscription SET attributes = ? WHERE arn = ?", attributes, arn);
    }
}
