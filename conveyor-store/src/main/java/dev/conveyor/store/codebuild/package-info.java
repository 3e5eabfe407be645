/**
 * CodeBuild's records: projects, builds, report groups, reports and test cases, over JDBC on H2 or PostgreSQL.
 * Documents the API returns whole (a project, a build) are kept as JSON beside the columns that lists and filters
 * need; nothing here knows the API's rules, only how to store and page.
 */
package dev.conveyor.store.codebuild;
