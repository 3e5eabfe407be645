package dev.conveyor.server.fuzz;

/**
 * The kinds of damage done to a valid request. {@link #mustBeRejected()} says whether every request so damaged is
 * invalid (the server must answer 4xx), or whether the result may still be a request AWS would accept.
 */
enum Mutation {
    /** The generated request as it is: creates what can be created, so the state check has something to see. */
    NONE(false),
    /** A member of the wrong JSON type: a string for a number, an object for a list, … */
    WRONG_TYPE(true),
    /** A null element in a list. */
    NULL_IN_LIST(true),
    /** A member set to JSON null (AWS reads it as absent; a required one then is missing). */
    NULL_MEMBER(false),
    /** A required member left out. */
    MISSING_REQUIRED(true),
    /** A string of 100,000 characters. */
    HUGE_STRING(false),
    /** A string with a NUL character in it. */
    NUL_STRING(true),
    /** A string of characters outside ASCII: CJK, emoji, right-to-left override, a lone surrogate. */
    UNICODE_STRING(false),
    /** A string not in its enum. */
    WRONG_ENUM(true),
    /** A number far out of its shape's range, or a fraction where an integer belongs. */
    BAD_NUMBER(true),
    /** A timestamp that is neither epoch seconds nor a date. */
    BAD_TIMESTAMP(true),
    /** Members the model does not have, at the top and deeper (AWS ignores them). */
    EXTRA_FIELDS(false),
    /** A member replaced by arrays nested forty deep (deeper limits are the HTTP layer's business). */
    NESTED(true),
    /** A body that is not JSON, or not a JSON object. */
    MALFORMED_JSON(true),
    /** The valid request with a Content-Type other than AWS JSON's. */
    WRONG_CONTENT_TYPE(false);

    private final boolean mustBeRejected;

    Mutation(boolean mustBeRejected) {
        this.mustBeRejected = mustBeRejected;
    }

    boolean mustBeRejected() {
        return mustBeRejected;
    }
}
