package dev.conveyor.iam.identity;

/** Who signed a request, as GetCallerIdentity reports it and as policies are evaluated for. */
public sealed interface Principal {
    String accountId();

    /** GetCallerIdentity's UserId: a user's id, {@code roleId:sessionName} for a role session, the account id for the account. */
    String userId();

    String arn();

    /** An IAM user, signing with one of its access keys. */
    record User(String accountId, String userName, String userId, String arn) implements Principal {
    }

    /** A role session from AssumeRole, signing with its temporary credentials. */
    record AssumedRole(String accountId, String roleName, String roleId, String sessionName) implements Principal {
        @Override
        public String userId() {
            return roleId + ":" + sessionName;
        }

        @Override
        public String arn() {
            return "arn:aws:sts::" + accountId + ":assumed-role/" + roleName + "/" + sessionName;
        }
    }

    /** The account itself (its root): requests signed with keys Conveyor does not know, until enforcement is on. */
    record Account(String accountId) implements Principal {
        @Override
        public String userId() {
            return accountId;
        }

        @Override
        public String arn() {
            return "arn:aws:iam::" + accountId + ":root";
        }
    }

    /**
     * An unsigned request (S3 only): no identity-based policy applies to it; only a resource-based policy (a bucket
     * policy) whose Principal is {@code "*"} can grant it anything.
     */
    record Anonymous() implements Principal {
        public static final Anonymous INSTANCE = new Anonymous();

        @Override
        public String accountId() {
            return "anonymous";
        }

        @Override
        public String userId() {
            return "anonymous";
        }

        @Override
        public String arn() {
            return "anonymous";
        }
    }
}
