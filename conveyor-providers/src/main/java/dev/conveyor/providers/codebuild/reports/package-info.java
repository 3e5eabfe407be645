/**
 * Test report files (JUnit, TestNG, NUnit 2 and 3, Visual Studio TRX, Cucumber JSON) read into CodeBuild's test
 * cases and summaries. XML is streamed with the JDK's StAX parser with DTDs and external entities off, so a
 * report can neither reach the network or the disk nor exhaust memory.
 */
package dev.conveyor.providers.codebuild.reports;
