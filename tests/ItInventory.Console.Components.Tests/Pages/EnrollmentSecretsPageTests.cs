using System.Net;
using ItInventory.Console.Pages;

namespace ItInventory.Console.Components.Tests.Pages;

/// <summary>The Enrollment secrets page: a new secret shown once, rotation and revocation, device credentials, and
/// what an auditor sees.</summary>
public sealed class EnrollmentSecretsPageTests
{
    private const string List = "GET enrollment-secrets";

    private const string OneSecret = """
        {"items":[{"id":"abc123","label":"Branch office","createdAt":"2026-11-01T09:00:00Z","revoked":false,
          "defaultDepartment":"Finance","allocateTag":false},
          {"id":"old999","label":"Pilot","createdAt":"2026-10-01T09:00:00Z","revoked":true,"allocateTag":false}]}
        """;

    private const string Created = """
        {"secret":"s3cr3t-shown-once","details":{"id":"new456","label":"Branch office",
          "createdAt":"2026-11-02T09:00:00Z","revoked":false,"defaultDepartment":"Finance","allocateTag":false}}
        """;

    [Fact]
    public void A_new_secret_is_shown_once_and_gone_when_acknowledged()
    {
        var api = new RecordingApi().On(List, OneSecret).On("POST enrollment-secrets", Created, HttpStatusCode.Created);
        using var context = api.Context(Roles.Admin);
        var page = context.Render<EnrollmentSecrets>();
        page.WaitForAssertion(() => Assert.Contains("Branch office", page.Markup));

        page.Find("input[name=label]").Change("Branch office");
        page.Find("input[name=defaultDepartment]").Change("Finance");
        page.Find("form[aria-label='New enrollment secret']").Submit();

        page.WaitForAssertion(() =>
            Assert.Equal("s3cr3t-shown-once", page.Find("[data-testid=new-secret]").TextContent)
        );
        Assert.Contains("shown only this once", page.Markup);
        Assert.Contains(
            "\"label\":\"Branch office\"",
            api.Requests.Single(r => r.Request == "POST enrollment-secrets").Body
        );
        page.Button("I have copied it").Click();
        Assert.DoesNotContain("s3cr3t-shown-once", page.Markup);
    }

    [Fact]
    public void Rotating_creates_the_successor_then_revokes_the_old_secret()
    {
        var api = new RecordingApi()
            .On(List, OneSecret)
            .On("POST enrollment-secrets", Created, HttpStatusCode.Created)
            .On("DELETE enrollment-secrets/abc123", "", HttpStatusCode.NoContent);
        using var context = api.Context(Roles.Admin);
        var page = context.Render<EnrollmentSecrets>();
        page.WaitForAssertion(() => Assert.Contains("Branch office", page.Markup));

        page.Button("Rotate Branch office").Click();

        page.WaitForAssertion(() => Assert.Contains("Branch office rotated: the old secret is revoked.", page.Markup));
        Assert.Equal("s3cr3t-shown-once", page.Find("[data-testid=new-secret]").TextContent);
        var order = api.Requests.Select(r => r.Request).Where(r => !r.StartsWith("GET")).ToList();
        Assert.Equal(["POST enrollment-secrets", "DELETE enrollment-secrets/abc123"], order);
        Assert.Contains(
            "\"defaultDepartment\":\"Finance\"",
            api.Requests.First(r => r.Request.StartsWith("POST")).Body
        );
        // A revoked secret offers nothing more.
        Assert.False(page.HasButton("Revoke Pilot"));
    }

    [Fact]
    public void An_auditor_sees_the_secrets_and_their_status_but_no_action()
    {
        using var context = new RecordingApi().On(List, OneSecret).Context(Roles.Auditor);

        var page = context.Render<EnrollmentSecrets>();

        page.WaitForAssertion(() => Assert.Contains("Revoked", page.Markup));
        Assert.Contains("Valid", page.FindAll("tbody tr")[0].TextContent);
        Assert.Empty(page.FindAll("form"));
        Assert.False(page.HasButton("Revoke Branch office"));
    }

    [Fact]
    public void Without_mfa_a_revocation_is_refused_and_the_reason_shown()
    {
        var api = new RecordingApi()
            .On(List, OneSecret)
            .Problem(
                "DELETE enrollment-secrets/abc123",
                HttpStatusCode.Forbidden,
                "Forbidden",
                "Changes require multi-factor authentication: sign in again with MFA."
            );
        using var context = api.Context(Roles.Admin);
        var page = context.Render<EnrollmentSecrets>();
        page.WaitForAssertion(() => Assert.Contains("Branch office", page.Markup));

        page.Button("Revoke Branch office").Click();

        page.WaitForAssertion(() => Assert.Contains("multi-factor", page.Find("[role=alert]").TextContent));
    }

    [Fact]
    public void An_admin_revokes_a_device_credential_and_blocks_reenrollment()
    {
        var api = new RecordingApi()
            .On(List, """{"items":[]}""")
            .On("POST devices/dev-1/revoke", "", HttpStatusCode.NoContent);
        using var context = api.Context(Roles.Admin);
        var page = context.Render<EnrollmentSecrets>();
        page.WaitForAssertion(() => Assert.Contains("No enrollment secret", page.Markup));

        page.Find("input[name=deviceId]").Change("dev-1");
        page.Find("input[name=blockReenrollment]").Change(true);
        page.Find("form[aria-label='Device credential']").Submit();

        page.WaitForAssertion(() =>
            Assert.Contains("The credential of dev-1 is revoked; it may not enroll again.", page.Markup)
        );
        Assert.Equal(
            """{"blockReenrollment":true}""",
            api.Requests.Single(r => r.Request == "POST devices/dev-1/revoke").Body
        );
    }
}
