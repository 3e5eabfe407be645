package dev.conveyor.providers.codebuild.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each report format read into CodeBuild's test cases; unreadable files named; external entities never read. */
class TestReportsTest {
    @TempDir
    Path dir;

    private TestReport read(String format, String... contents) throws IOException {
        List<String> files = new java.util.ArrayList<>();
        for (int i = 0; i < contents.length; i++) {
            Files.writeString(dir.resolve("r" + i), contents[i]);
            files.add("r" + i);
        }
        return TestReports.read("group", format, dir, files, UnaryOperator.identity(), 100);
    }

    @Test
    void junitXmlWithNestedSuitesFailuresErrorsAndSkips() throws IOException {
        TestReport report = read("JUNITXML", """
                <?xml version="1.0" encoding="UTF-8"?>
                <testsuites>
                  <testsuite name="outer">
                    <testsuite name="calc">
                      <testcase classname="CalcTest" name="adds" time="0.5"/>
                      <testcase classname="CalcTest" name="divides" time="1,250.5"><failure message="expected 2 but was 3" type="AssertionError">at CalcTest.divides(CalcTest.java:12)</failure></testcase>
                      <testcase classname="CalcTest" name="explodes"><error message="NPE"/><system-out>noise</system-out></testcase>
                      <testcase classname="CalcTest" name="later"><skipped message="not yet"/></testcase>
                    </testsuite>
                  </testsuite>
                </testsuites>
                """);
        assertThat(report.total()).isEqualTo(4);
        assertThat(report.counts()).containsEntry("SUCCEEDED", 1).containsEntry("FAILED", 1).containsEntry("ERROR", 1).containsEntry("SKIPPED", 1);
        assertThat(report.status()).isEqualTo("FAILED");
        TestCaseResult divides = report.cases().get(1);
        assertThat(divides.qualifiedName()).isEqualTo("CalcTest.divides");
        assertThat(divides.suiteName()).isEqualTo("calc");
        assertThat(divides.message()).isEqualTo("expected 2 but was 3\nat CalcTest.divides(CalcTest.java:12)");
        assertThat(divides.durationNanos()).isEqualTo(1_250_500_000_000L);
        assertThat(report.cases().get(0).durationNanos()).isEqualTo(500_000_000L);
    }

    @Test
    void testNgNUnitTrxAndCucumber() throws IOException {
        TestReport testng = read("TESTNGXML", """
                <testng-results><suite name="S"><test name="T"><class name="com.x.ATest">
                  <test-method status="PASS" name="setUp" is-config="true" duration-ms="1"/>
                  <test-method status="PASS" name="ok" duration-ms="12"/>
                  <test-method status="FAIL" name="bad" duration-ms="3"><exception class="AssertionError"><message><![CDATA[nope]]></message></exception></test-method>
                  <test-method status="SKIP" name="skipped" duration-ms="0"/>
                </class></test></suite></testng-results>""");
        assertThat(testng.total()).isEqualTo(3);
        assertThat(testng.cases().get(1).message()).isEqualTo("nope");
        assertThat(testng.cases().get(0).prefix()).isEqualTo("com.x.ATest");

        TestReport nunit3 = read("NUNIT3XML", """
                <test-run><test-suite type="Assembly" name="a.dll"><test-suite type="TestFixture" name="CalcTests">
                  <test-case name="Adds" fullname="Calc.CalcTests.Adds" classname="Calc.CalcTests" result="Passed" duration="0.01"/>
                  <test-case name="Fails" fullname="Calc.CalcTests.Fails" classname="Calc.CalcTests" result="Failed" duration="0.02"><failure><message>bad sum</message></failure></test-case>
                </test-suite></test-suite></test-run>""");
        assertThat(nunit3.counts()).containsEntry("SUCCEEDED", 1).containsEntry("FAILED", 1);
        assertThat(nunit3.cases().get(1).message()).isEqualTo("bad sum");
        assertThat(nunit3.cases().get(1).suiteName()).isEqualTo("CalcTests");

        TestReport nunit2 = read("NUNITXML", """
                <test-results><test-suite name="x"><results>
                  <test-case name="Calc.Tests.Adds" executed="True" result="Success" time="0.1"/>
                  <test-case name="Calc.Tests.Ignored" executed="False" result="Ignored"/>
                </results></test-suite></test-results>""");
        assertThat(nunit2.counts()).containsEntry("SUCCEEDED", 1).containsEntry("SKIPPED", 1);
        assertThat(nunit2.cases().get(0).prefix()).isEqualTo("Calc.Tests");

        TestReport trx = read("VISUALSTUDIOTRX", """
                <TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010"><Results>
                  <UnitTestResult testName="Calc.Tests.Adds" outcome="Passed" duration="00:00:01.5000000"/>
                  <UnitTestResult testName="Calc.Tests.Fails" outcome="Failed" duration="00:00:00.0100000"><Output><ErrorInfo><Message>boom</Message><StackTrace>at x</StackTrace></ErrorInfo></Output></UnitTestResult>
                </Results></TestRun>""");
        assertThat(trx.cases().get(0).durationNanos()).isEqualTo(1_500_000_000L);
        assertThat(trx.cases().get(1).message()).isEqualTo("boom\nat x");

        TestReport cucumber = read("CUCUMBERJSON", """
                [{"name": "Checkout", "elements": [
                  {"name": "pays", "type": "scenario", "steps": [{"keyword": "Given ", "name": "a cart", "result": {"status": "passed", "duration": 1000}}]},
                  {"name": "declines", "type": "scenario", "steps": [{"keyword": "When ", "name": "the card fails", "result": {"status": "failed", "duration": 5, "error_message": "declined"}}]},
                  {"name": "later", "type": "scenario", "steps": [{"keyword": "Then ", "name": "x", "result": {"status": "undefined"}}]}
                ]}]""");
        assertThat(cucumber.counts()).containsEntry("SUCCEEDED", 1).containsEntry("FAILED", 1).containsEntry("SKIPPED", 1);
        assertThat(cucumber.cases().get(1).message()).isEqualTo("When the card fails\ndeclined");
        assertThat(cucumber.cases().get(0).prefix()).isEqualTo("Checkout");
    }

    @Test
    void unreadableFilesAreNamedAndTheRestIsRead() throws IOException {
        TestReport report = read("JUNITXML", "<testsuite><testcase name=\"ok\"/></testsuite>", "<html>not junit</html>", "<testsuite><unclosed>");
        assertThat(report.total()).isEqualTo(1);
        assertThat(report.status()).isEqualTo("INCOMPLETE");
        assertThat(report.problems()).hasSize(2);
        assertThat(report.problems().get(0)).startsWith("r1: not a JUnit XML report");
        assertThat(report.problems().get(1)).startsWith("r2: not well-formed XML at line");
    }

    @Test
    void externalEntitiesAreNeverRead() throws IOException {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "TOP-SECRET");
        TestReport report = read("JUNITXML", """
                <?xml version="1.0"?>
                <!DOCTYPE testsuite [<!ENTITY leak SYSTEM "file://%s">]>
                <testsuite><testcase name="x"><failure message="m">&leak;</failure></testcase></testsuite>
                """.formatted(secret));
        assertThat(report.cases()).allSatisfy(c -> assertThat(String.valueOf(c.message())).doesNotContain("TOP-SECRET"));
    }

    @Test
    void casesBeyondTheLimitAreCountedButNotKept() throws IOException {
        StringBuilder xml = new StringBuilder("<testsuite>");
        for (int i = 0; i < 150; i++) {
            xml.append("<testcase name=\"t").append(i).append("\"/>");
        }
        TestReport report = read("JUNITXML", xml.append("</testsuite>").toString());
        assertThat(report.total()).isEqualTo(150);
        assertThat(report.cases()).hasSize(100);
        assertThat(report.truncated()).isTrue();
    }
}
