using System.Net;
using ItInventory.Console.Pages;

namespace ItInventory.Console.Components.Tests.Pages;

/// <summary>The Audit trail page: records with paging under the applied filters, verification and its verdict.
/// </summary>
public sealed class AuditTrailPageTests
{
    private static string Records(string entityId, string? continuationToken) =>
        $$"""
            {"items":[{"lane":"lane|03","sequence":12,"at":"2026-11-02T10:00:00Z",
              "actor":{"kind":"user","id":"d0000000-0000-4000-8000-000000000001","name":"admin@contoso.test"},
              "entity":"asset","entityId":"{{entityId}}","action":"update",
              "changes":[{"field":"Location","from":"desk-1","to":"desk-2"}],
              "previousHash":"aa","hash":"bb"}]{{(
                continuationToken is null ? "" : $",\"continuationToken\":\"{continuationToken}\""
            )}}}
            """;

    [Fact]
    public void Records_show_who_changed_what_and_paging_keeps_the_applied_filters()
    {
        var api = new RecordingApi()
            .On("GET audit-trail?pageSize=50", Records("a0", null))
            .On("GET audit-trail?pageSize=50&entity=asset&from=2026-11-01T00%3A00%3A00Z", Records("a1", "t1"))
            .On(
                "GET audit-trail?pageSize=50&entity=asset&from=2026-11-01T00%3A00%3A00Z&continuationToken=t1",
                Records("a2", null)
            );
        using var context = api.Context(Roles.Auditor);
        var page = context.Render<AuditTrail>();
        page.WaitForAssertion(() => Assert.Contains("asset a0", page.Markup));
        var row = page.Find("tbody tr").TextContent;
        Assert.Contains("user admin@contoso.test", row);
        Assert.Contains("Location: desk-1 → desk-2", row);

        page.Find("input[name=entity]").Change("asset");
        page.Find("input[name=from]").Change("2026-11-01");
        page.Find("form[aria-label='Filter the audit trail']").Submit();
        page.WaitForAssertion(() => Assert.Contains("asset a1", page.Markup));
        // Changing a filter without searching again does not change what the next page asks for.
        page.Find("input[name=entity]").Change("device");
        page.Button("Next page").Click();
        page.WaitForAssertion(() => Assert.Contains("asset a2", page.Markup));
        Assert.False(page.HasButton("Next page"));
        page.Button("Previous page").Click();
        page.WaitForAssertion(() => Assert.Contains("asset a1", page.Markup));
    }

    [Fact]
    public void Verification_says_verified_when_every_chain_is_intact()
    {
        var api = new RecordingApi()
            .On("GET audit-trail?pageSize=50", """{"items":[]}""")
            .On("GET audit-trail/verify", """{"intact":true,"lanes":16,"records":42,"breaks":[]}""");
        using var context = api.Context(Roles.Admin);
        var page = context.Render<AuditTrail>();
        page.WaitForAssertion(() => Assert.Contains("No audit record matches.", page.Markup));

        page.Button("Verify the audit trail").Click();

        page.WaitForAssertion(() =>
            Assert.Equal(
                "Verified: 42 records in 16 lanes, every chain intact.",
                page.Find("[aria-label='Verification result'] strong").TextContent
            )
        );
    }

    [Fact]
    public void Verification_lists_where_a_chain_is_broken()
    {
        var api = new RecordingApi()
            .On("GET audit-trail?pageSize=50", """{"items":[]}""")
            .On(
                "GET audit-trail/verify",
                """
                {"intact":false,"lanes":16,"records":42,
                 "breaks":[{"lane":"lane|07","sequence":5,"reason":"The hash does not match the record."}]}
                """
            );
        using var context = api.Context(Roles.Auditor);
        var page = context.Render<AuditTrail>();
        page.WaitForAssertion(() => Assert.Contains("No audit record matches.", page.Markup));

        page.Button("Verify the audit trail").Click();

        page.WaitForAssertion(() =>
            Assert.Contains("lane|07, record 5: The hash does not match the record.", page.Markup)
        );
        Assert.Contains("Broken: 1 break(s)", page.Markup);
    }

    [Fact]
    public void A_refusal_and_a_bad_filter_are_shown_in_words()
    {
        var api = new RecordingApi().On(
            "GET audit-trail?pageSize=50",
            """
            {"status":400,"title":"Invalid request.","errors":{"to":["Must be after from (to is exclusive)."]}}
            """,
            HttpStatusCode.BadRequest
        );
        using var context = api.Context(Roles.Admin);

        var page = context.Render<AuditTrail>();

        page.WaitForAssertion(() =>
            Assert.Contains("to: Must be after from (to is exclusive).", page.Find("[role=alert]").TextContent)
        );
    }
}
