/** Source providers: each turns a revision of something (an S3 object, a git commit) into the first artifact. */
package dev.conveyor.providers.source;
