using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClosedXML.Excel;
using ItInventory.Functions.Audit;
using ItInventory.Functions.Findings;
using ItInventory.Functions.Reports;
using ItInventory.Functions.Reports.Mail;
using ItInventory.Functions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using static ItInventory.Functions.Tests.Catalogue.CatalogueKit;

namespace ItInventory.Functions.Tests.Reports.Mail;

/// <summary>The monthly finance email through the app's timer and resend endpoint, received by a real SMTP server
/// in the test process or by a local HTTP endpoint standing in for Microsoft Graph.</summary>
public sealed partial class FinanceMailTests
{
    private const string Period = "2026-11";
    private static readonly DateTimeOffset FirstOfDecember = new(2026, 12, 1, 5, 0, 0, TimeSpan.Zero);

    private static void MailSettings(IDictionary<string, string?> settings, Dictionary<string, string?> transport)
    {
        settings["FinanceMail:Recipients"] = "finance@example.org; controller@example.org";
        settings["FinanceMail:Sender"] = "inventory@example.org";
        settings["FinanceMail:Subject"] = "Finance summary {period} (IT inventory)";
        // No waiting between attempts in tests (the back-off itself is a pure rule, tested below).
        settings["FinanceMail:RetryDelay"] = "00:00:00";
        settings["FinanceMail:MaxAttempts"] = "3";
        foreach (var (key, value) in transport)
            settings[key] = value;
    }

    /// <summary>An app with two assets bought in November, the clock on 1 December.</summary>
    private static async Task<TestApp> StartAsync(
        Dictionary<string, string?>? transport,
        Action<IServiceCollection>? services = null
    )
    {
        var app = await TestApp.StartAsync(
            settings =>
            {
                if (transport is not null)
                    MailSettings(settings, transport);
            },
            services
        );
        await SeedAsync(app);
        await CreatePeripheralAsync(app, serial: "MAIL00001", extra: Financials("1200"));
        await CreatePeripheralAsync(app, serial: "MAIL00002", department: "HR", extra: Financials("2400"));
        app.Clock.SetUtcNow(FirstOfDecember);
        return app;
    }

    private static string Financials(string cost) =>
        $",\"category\":\"laptops\",\"financials\":{{\"purchaseDate\":\"2026-11-01\",\"purchaseCost\":{cost},"
        + "\"currency\":\"EUR\",\"usefulLifeMonths\":12}";

    private static Task RunTimerAsync(TestApp app) =>
        app.Create<ReportFunctions>()
            .FinanceReportTimer(
                TimerInvocation.Info(app.Clock.GetUtcNow(), TimeSpan.FromDays(30)),
                CancellationToken.None
            );

    private static async Task<MailSendEntity?> ClaimAsync(TestApp app) =>
        await app.Services.GetRequiredService<MailSendClaims>().FindAsync("finance", Period, CancellationToken.None);

    private static Task<FindingEntity?> FindingAsync(TestApp app) =>
        app
            .Services.GetRequiredService<FindingService>()
            .FindAsync(
                FindingKeys.Id(
                    FindingKinds.ReportDeliveryFailed,
                    FindingKeys.RowKey(FindingSubjects.Report, FinanceMailService.SubjectId(Period))
                ),
                CancellationToken.None
            );

    private static Task<HttpAnswer> ResendAsync(TestApp app, string body, Persona? persona = null)
    {
        var request = app.Request(
            "POST",
            $"/api/reports/finance/{Period}/email/resend",
            Encoding.UTF8.GetBytes(body),
            "application/json",
            Auth(persona ?? TestTokens.Admin)
        );
        return TestApp.ExecuteAsync(
            request,
            app.Create<FinanceMailFunctions>().ResendFinanceEmail(request, Period, CancellationToken.None)
        );
    }

    /// <summary>The headline figures of the body: the summary table's rows with their exact values.</summary>
    private static Dictionary<string, decimal> BodyFigures(string html) =>
        HeadlineRow()
            .Matches(html)
            .ToDictionary(
                m => WebUtility.HtmlDecode(m.Groups[1].Value),
                m => decimal.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)
            );

    /// <summary>The same figures from the workbook's Summary sheet (label in A, this month in B, from row 6).</summary>
    private static Dictionary<string, decimal> WorkbookFigures(byte[] xlsx)
    {
        using var workbook = new XLWorkbook(new MemoryStream(xlsx));
        var sheet = workbook.Worksheet("Summary");
        var figures = new Dictionary<string, decimal>();
        for (var row = 6; !sheet.Cell(row, 1).IsEmpty() && !sheet.Cell(row, 2).IsEmpty(); row++)
            figures[sheet.Cell(row, 1).GetString()] = sheet.Cell(row, 2).GetValue<decimal>();
        return figures;
    }

    private static IReadOnlyList<string> CidReferences(string html) =>
        [.. CidReference().Matches(html).Select(m => m.Groups[1].Value)];

    [GeneratedRegex("<tr><td>([^<]+)</td><td class=\"n\" data-value=\"([-0-9.]+)\">")]
    private static partial Regex HeadlineRow();

    [GeneratedRegex("<img src=\"cid:([^\"]+)\"")]
    private static partial Regex CidReference();

    [Fact]
    public async Task The_timer_emails_the_stored_report_once_with_the_workbooks_figures_and_inline_charts()
    {
        await using var smtp = TestSmtpServer.Start();
        await using var app = await StartAsync(smtp.Settings());

        await RunTimerAsync(app);
        await RunTimerAsync(app); // the timer firing twice

        var received = Assert.Single(smtp.Messages);
        var message = received.Message;
        Assert.Equal(["finance@example.org", "controller@example.org"], received.EnvelopeTo);
        Assert.Equal(["finance@example.org", "controller@example.org"], message.To.Mailboxes.Select(m => m.Address));
        Assert.Equal("inventory@example.org", Assert.Single(message.From.Mailboxes).Address);
        Assert.Equal("Finance summary 2026-11 (IT inventory)", message.Subject);
        Assert.Equal("finance-2026-11-1.itinventory@example.org", message.MessageId);
        Assert.Equal(("inventory", "smtp-secret"), Assert.Single(smtp.Logins));

        // Every chart the body shows is a part of the message with that Content-ID, a PNG.
        var html = Assert.IsType<string>(message.HtmlBody);
        var cids = CidReferences(html);
        Assert.Equal(3, cids.Count);
        foreach (var cid in cids)
        {
            var part = Assert.Single(message.BodyParts.OfType<MimePart>(), p => p.ContentId == cid);
            Assert.Equal("image/png", part.ContentType.MimeType);
            using var png = new MemoryStream();
            await part.Content!.DecodeToAsync(png);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png.ToArray()[..4]);
        }
        Assert.DoesNotContain("data:image", html, StringComparison.Ordinal);

        // The attachment is the stored workbook, it opens, and its figures are the body's.
        var attachment = Assert.Single(message.Attachments.OfType<MimePart>());
        Assert.Equal("finance-summary-2026-11.xlsx", attachment.FileName);
        using var xlsx = new MemoryStream();
        await attachment.Content!.DecodeToAsync(xlsx);
        var stored = await app
            .Services.GetRequiredService<ReportStore>()
            .ReadAsync("finance", Period, "summary.xlsx", CancellationToken.None);
        Assert.Equal(stored, xlsx.ToArray());
        var body = BodyFigures(html);
        var workbook = WorkbookFigures(xlsx.ToArray());
        Assert.Equal(15, body.Count);
        Assert.Equal(body.OrderBy(f => f.Key), workbook.OrderBy(f => f.Key));
        Assert.Equal(2, body["Assets held"]);
        Assert.Equal(3600m, body["Cost"]);

        var claim = await ClaimAsync(app);
        Assert.Equal((nameof(MailSendStatus.Sent), 1, 1), (claim!.Status, claim.Sends, claim.Attempts));
        Assert.Null(await FindingAsync(app));
    }

    [Fact]
    public async Task Concurrent_runs_for_the_same_period_send_one_message()
    {
        await using var smtp = TestSmtpServer.Start();
        await using var app = await StartAsync(smtp.Settings());
        await app.Services.GetRequiredService<FinanceReportService>().GenerateAsync(Period, CancellationToken.None);
        var mail = app.Services.GetRequiredService<FinanceMailService>();

        var results = await Task.WhenAll(
            Enumerable
                .Range(0, 4)
                .Select(_ =>
                    Task.Run(() =>
                        mail.DeliverAsync(
                            Period,
                            new MailSendEntity { Trigger = MailTriggers.Timer, Transport = "Smtp" },
                            null,
                            CancellationToken.None
                        )
                    )
                )
        );

        Assert.Single(results, r => r.Result == FinanceMailService.DeliveryResult.Sent);
        Assert.All(results.Where(r => r.Result != FinanceMailService.DeliveryResult.Sent), r =>
            Assert.Contains(
                r.Result,
                new[] { FinanceMailService.DeliveryResult.InProgress, FinanceMailService.DeliveryResult.AlreadySent }
            )
        );
        Assert.Single(smtp.Messages);
        Assert.Equal(1, (await ClaimAsync(app))!.Sends);
    }

    [Fact]
    public async Task A_claim_left_sending_by_a_crash_is_taken_over_once_its_lease_ends()
    {
        await using var smtp = TestSmtpServer.Start();
        await using var app = await StartAsync(smtp.Settings());
        await app.Services.GetRequiredService<FinanceReportService>().GenerateAsync(Period, CancellationToken.None);
        // A run that claimed and then died: its lease still runs for 10 minutes.
        await app.Store.MailSends.AddEntityAsync(
            new MailSendEntity
            {
                PartitionKey = "finance",
                RowKey = Period,
                Status = nameof(MailSendStatus.Sending),
                LeaseUntil = FirstOfDecember.AddMinutes(10),
            }
        );

        await RunTimerAsync(app);
        Assert.Empty(smtp.Messages);

        app.Clock.Advance(TimeSpan.FromMinutes(11));
        await RunTimerAsync(app);

        var received = Assert.Single(smtp.Messages);
        // The same Message-ID the crashed run would have used: a duplicate at the crash point is recognisable.
        Assert.Equal("finance-2026-11-1.itinventory@example.org", received.Message.MessageId);
        Assert.Equal(nameof(MailSendStatus.Sent), (await ClaimAsync(app))!.Status);
    }

    [Fact]
    public async Task Transient_refusals_are_retried_and_the_message_is_sent_once()
    {
        await using var smtp = TestSmtpServer.Start(refuseFirst: 2);
        await using var app = await StartAsync(smtp.Settings());

        await RunTimerAsync(app);

        Assert.Equal(2, smtp.Refused);
        Assert.Single(smtp.Messages);
        var claim = await ClaimAsync(app);
        Assert.Equal((nameof(MailSendStatus.Sent), 3), (claim!.Status, claim.Attempts));
    }

    [Fact]
    public async Task A_send_that_gives_up_records_the_failure_raises_a_finding_and_the_next_run_sends_and_resolves_it()
    {
        var port = TestSmtpServer.FreePort();
        var settings = new Dictionary<string, string?>
        {
            ["FinanceMail:Transport"] = "Smtp",
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Smtp:Security"] = "None",
        };
        await using var app = await StartAsync(settings);

        await RunTimerAsync(app); // nothing listens on the port

        var claim = await ClaimAsync(app);
        Assert.Equal((nameof(MailSendStatus.Failed), 3, 0), (claim!.Status, claim.Attempts, claim.Sends));
        Assert.Contains($"127.0.0.1:{port}", claim.LastError, StringComparison.Ordinal);
        var finding = await FindingAsync(app);
        Assert.Equal((nameof(FindingStatus.Open), nameof(FindingSeverity.High)), (finding!.Status, finding.Severity));
        Assert.Contains("2026-11", finding.Text, StringComparison.Ordinal);
        // The report itself was written.
        Assert.NotNull(
            await app.Services.GetRequiredService<ReportStore>().FindAsync("finance", Period, CancellationToken.None)
        );

        // The server is back: the next timer run (a later month's, here the same day's) sends the failed month.
        await using var smtp = TestSmtpServer.Start(port, refuseFirst: 0);
        await RunTimerAsync(app);

        Assert.Single(smtp.Messages);
        Assert.Equal(nameof(MailSendStatus.Sent), (await ClaimAsync(app))!.Status);
        Assert.Equal(nameof(FindingStatus.AutoResolved), (await FindingAsync(app))!.Status);
    }

    [Fact]
    public async Task An_admin_resend_with_a_reason_is_audited_and_sends_again()
    {
        await using var smtp = TestSmtpServer.Start();
        await using var app = await StartAsync(smtp.Settings());
        await RunTimerAsync(app);

        var noReason = await ResendAsync(app, "{}");
        var withoutMfa = await ResendAsync(app, "{\"reason\":\"x\"}", TestTokens.AdminWithoutMfa);
        Assert.Equal((400, 403), (noReason.Status, withoutMfa.Status));
        Assert.Single(smtp.Messages);

        var answer = await ResendAsync(app, "{\"reason\":\"Controller lost the first one\"}");

        Assert.Equal(200, answer.Status);
        Assert.Equal(
            ("Sent", 2),
            (answer.Json.GetProperty("status").GetString(), answer.Json.GetProperty("sends").GetInt32())
        );
        Assert.Equal(2, smtp.Messages.Count);
        Assert.Equal("finance-2026-11-2.itinventory@example.org", smtp.Messages.Last().Message.MessageId);
        var record = Assert.Single(
            await app
                .Services.GetRequiredService<AuditTrail>()
                .QueryAsync("report", "finance:2026-11", null, null, null, 10, CancellationToken.None)
        );
        Assert.Equal("email-resend", record.Action);
        Assert.Equal(TestTokens.Admin.ObjectId, record.Actor.Id);
        Assert.Contains(record.Changes, c => c is { Field: "reason", To: "Controller lost the first one" });
        Assert.Contains(record.Changes, c =>
            c is { Field: "messageId", To: "finance-2026-11-2.itinventory@example.org" }
        );
        var claim = await ClaimAsync(app);
        Assert.Equal((MailTriggers.Resend, "Controller lost the first one"), (claim!.Trigger, claim.Reason));
    }

    [Fact]
    public async Task A_resend_of_a_month_without_a_report_or_with_mail_off_is_refused_and_sends_nothing()
    {
        await using var smtp = TestSmtpServer.Start();
        await using var app = await StartAsync(smtp.Settings());
        Assert.Equal(404, (await ResendAsync(app, "{\"reason\":\"again\"}")).Status);
        Assert.Null(await ClaimAsync(app));

        await using var off = await StartAsync(null);
        await RunTimerAsync(off);
        Assert.Equal(503, (await ResendAsync(off, "{\"reason\":\"again\"}")).Status);
        Assert.Empty(smtp.Messages);
    }

    [Fact]
    public async Task With_mail_off_the_timer_writes_the_report_and_claims_nothing()
    {
        await using var app = await StartAsync(null);

        await RunTimerAsync(app);

        Assert.NotNull(
            await app.Services.GetRequiredService<ReportStore>().FindAsync("finance", Period, CancellationToken.None)
        );
        Assert.Null(await ClaimAsync(app));
    }

    [Fact]
    public async Task Graph_transport_posts_sendMail_with_the_identity_token_html_inline_images_and_the_workbook()
    {
        await using var graph = TestGraphEndpoint.Start();
        var credential = new FixedTokenCredential("test-graph-token");
        await using var app = await StartAsync(graph.Settings(), s =>
            s.AddSingleton(new GraphMailCredential(credential))
        );

        await RunTimerAsync(app);
        await RunTimerAsync(app);

        var request = Assert.Single(graph.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1.0/users/inventory@example.org/sendMail", Uri.UnescapeDataString(request.Path));
        Assert.Equal("Bearer test-graph-token", request.Authorization);
        Assert.Equal("https://graph.microsoft.com/.default", Assert.Single(credential.Scopes));
        var message = request.Body.GetProperty("message");
        Assert.Equal("Finance summary 2026-11 (IT inventory)", message.GetProperty("subject").GetString());
        Assert.Equal(
            ["finance@example.org", "controller@example.org"],
            message
                .GetProperty("toRecipients")
                .EnumerateArray()
                .Select(r => r.GetProperty("emailAddress").GetProperty("address").GetString())
        );
        Assert.Equal("HTML", message.GetProperty("body").GetProperty("contentType").GetString());
        var html = message.GetProperty("body").GetProperty("content").GetString()!;
        var attachments = message.GetProperty("attachments").EnumerateArray().ToList();
        Assert.All(attachments, a =>
            Assert.Equal("#microsoft.graph.fileAttachment", a.GetProperty("@odata.type").GetString())
        );
        var inline = attachments.Where(a => a.GetProperty("isInline").GetBoolean()).ToList();
        Assert.Equal(CidReferences(html).Order(), inline.Select(a => a.GetProperty("contentId").GetString()!).Order());
        Assert.All(inline, a => Assert.Equal((byte)'P', a.GetProperty("contentBytes").GetBytesFromBase64()[1]));
        var workbook = Assert.Single(attachments, a => !a.GetProperty("isInline").GetBoolean());
        Assert.Equal("finance-summary-2026-11.xlsx", workbook.GetProperty("name").GetString());
        Assert.Equal(
            BodyFigures(html).OrderBy(f => f.Key),
            WorkbookFigures(workbook.GetProperty("contentBytes").GetBytesFromBase64()).OrderBy(f => f.Key)
        );
        Assert.True(request.Body.GetProperty("saveToSentItems").GetBoolean());
        Assert.Equal(nameof(MailSendStatus.Sent), (await ClaimAsync(app))!.Status);
    }

    [Fact]
    public async Task A_graph_refusal_is_not_retried_and_raises_a_finding()
    {
        await using var graph = TestGraphEndpoint.Start();
        graph.Answer = HttpStatusCode.Forbidden;
        await using var app = await StartAsync(graph.Settings(), s =>
            s.AddSingleton(new GraphMailCredential(new FixedTokenCredential("t")))
        );

        await RunTimerAsync(app);

        Assert.Single(graph.Requests);
        var claim = await ClaimAsync(app);
        Assert.Equal((nameof(MailSendStatus.Failed), 1), (claim!.Status, claim.Attempts));
        Assert.Contains("403", claim.LastError, StringComparison.Ordinal);
        Assert.Equal(nameof(FindingStatus.Open), (await FindingAsync(app))!.Status);
    }

    /// <summary>The app's clock, watched: the waits (timers) the app starts on it, so a test advances the clock
    /// once the wait it expects exists, without sleeping.</summary>
    private sealed class WatchedClock(FakeTimeProvider inner) : TimeProvider
    {
        public ConcurrentQueue<TimeSpan> Timers { get; } = new();

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override long GetTimestamp() => inner.GetTimestamp();

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            // Recorded once the timer exists, so advancing the clock after seeing it fires it.
            var timer = inner.CreateTimer(callback, state, dueTime, period);
            Timers.Enqueue(dueTime);
            return timer;
        }

        /// <summary>Registers the watch over the test app's FakeTimeProvider (the last registration wins).</summary>
        public static WatchedClock Over(IServiceCollection services)
        {
            var fake = (FakeTimeProvider)
                services.Last(d => d.ServiceType == typeof(TimeProvider)).ImplementationInstance!;
            var watched = new WatchedClock(fake);
            services.AddSingleton<TimeProvider>(watched);
            return watched;
        }
    }

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}.");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task A_workbook_over_3_MB_goes_through_a_graph_upload_session_and_arrives_whole_once()
    {
        await using var graph = TestGraphEndpoint.Start();
        await using var app = await StartAsync(graph.Settings(), s =>
            s.AddSingleton(new GraphMailCredential(new FixedTokenCredential("test-graph-token")))
        );
        await app.Services.GetRequiredService<FinanceReportService>().GenerateAsync(Period, CancellationToken.None);
        // A workbook of 7 MB (three ranges of at most 3 MB): too large for one sendMail request.
        var workbook = new byte[7 * 1024 * 1024 + 123];
        new Random(13).NextBytes(workbook);
        await app
            .Store.Reports.GetBlobClient($"finance/{Period}/{FinanceMailService.WorkbookFile}")
            .UploadAsync(new BinaryData(workbook), overwrite: true);
        var mail = app.Services.GetRequiredService<FinanceMailService>();
        MailSendEntity Request() => new() { Trigger = MailTriggers.Timer, Transport = "Graph" };

        var (result, _) = await mail.DeliverAsync(Period, Request(), null, CancellationToken.None);
        var again = await mail.DeliverAsync(Period, Request(), null, CancellationToken.None);

        Assert.Equal(
            (FinanceMailService.DeliveryResult.Sent, FinanceMailService.DeliveryResult.AlreadySent),
            (result, again.Result)
        );
        Assert.Equal(
            [
                "POST /v1.0/users/inventory@example.org/messages",
                "POST /v1.0/users/inventory@example.org/messages/draft-1/attachments/createUploadSession",
                "PUT /upload/session-2",
                "PUT /upload/session-2",
                "PUT /upload/session-2",
                "POST /v1.0/users/inventory@example.org/messages/draft-1/send",
            ],
            graph.Requests.Select(r => $"{r.Method} {r.Path}")
        );
        Assert.All(graph.Requests.Where(r => r.Method == "POST"), r =>
            Assert.Equal("Bearer test-graph-token", r.Authorization)
        );
        Assert.Equal(0, graph.AuthorizedUploads);
        var delivered = Assert.Single(graph.Delivered);
        var attached = Assert.Single(delivered.Parts, p => !p.IsInline);
        Assert.Equal("finance-summary-2026-11.xlsx", attached.Name);
        Assert.Equal(workbook, attached.Bytes);
        // The charts rode along in the draft, referenced by the body.
        var html = delivered.Message.GetProperty("body").GetProperty("content").GetString()!;
        Assert.Equal(
            CidReferences(html).Order(),
            delivered.Parts.Where(p => p.IsInline).Select(p => p.ContentId!).Order()
        );
        Assert.Equal(0, graph.OpenDrafts);
        var claim = await ClaimAsync(app);
        Assert.Equal((nameof(MailSendStatus.Sent), 1, 1), (claim!.Status, claim.Sends, claim.Attempts));
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    public async Task A_throttled_graph_send_is_retried_once_after_the_advertised_delay_and_sent_once(
        HttpStatusCode status
    )
    {
        await using var graph = TestGraphEndpoint.Start();
        WatchedClock? clock = null;
        await using var app = await StartAsync(graph.Settings(), s =>
        {
            s.AddSingleton(new GraphMailCredential(new FixedTokenCredential("t")));
            clock = WatchedClock.Over(s);
        });
        var advertised = TimeSpan.FromSeconds(7);
        graph.ThrottleOnce("/sendMail", status, advertised);

        var run = Task.Run(() => RunTimerAsync(app));
        await UntilAsync(() => clock!.Timers.Contains(advertised), "the wait Graph asked for");

        Assert.Single(graph.Requests);
        app.Clock.Advance(advertised - TimeSpan.FromSeconds(1));
        Assert.Single(graph.Requests); // not before the advertised delay
        Assert.False(run.IsCompleted);
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, graph.Requests.Count);
        Assert.Single(graph.Delivered);
        var claim = await ClaimAsync(app);
        Assert.Equal((nameof(MailSendStatus.Sent), 1, 2), (claim!.Status, claim.Sends, claim.Attempts));
        Assert.Null(await FindingAsync(app));

        await RunTimerAsync(app); // the timer again: already sent, nothing more leaves
        Assert.Single(graph.Delivered);
    }

    [Fact]
    public async Task A_range_throttled_mid_upload_deletes_the_draft_and_the_retry_after_the_delay_sends_it_whole_once()
    {
        await using var graph = TestGraphEndpoint.Start();
        WatchedClock? clock = null;
        await using var app = await StartAsync(graph.Settings(), s =>
        {
            s.AddSingleton(new GraphMailCredential(new FixedTokenCredential("t")));
            clock = WatchedClock.Over(s);
        });
        await app.Services.GetRequiredService<FinanceReportService>().GenerateAsync(Period, CancellationToken.None);
        var workbook = new byte[4 * 1024 * 1024];
        new Random(7).NextBytes(workbook);
        await app
            .Store.Reports.GetBlobClient($"finance/{Period}/{FinanceMailService.WorkbookFile}")
            .UploadAsync(new BinaryData(workbook), overwrite: true);
        var advertised = TimeSpan.FromSeconds(11);
        graph.ThrottleOnce("/upload/session-2", HttpStatusCode.TooManyRequests, advertised);
        var mail = app.Services.GetRequiredService<FinanceMailService>();

        var run = Task.Run(() =>
            mail.DeliverAsync(
                Period,
                new MailSendEntity { Trigger = MailTriggers.Timer, Transport = "Graph" },
                null,
                CancellationToken.None
            )
        );
        await UntilAsync(() => clock!.Timers.Contains(advertised), "the wait Graph asked for");
        // The first attempt's draft is gone before the wait: a retry never leaves drafts behind.
        Assert.Contains(graph.Requests, r =>
            r is { Method: "DELETE", Path: "/v1.0/users/inventory@example.org/messages/draft-1" }
        );
        Assert.Equal(0, graph.OpenDrafts);
        app.Clock.Advance(advertised);
        var (result, _) = await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(FinanceMailService.DeliveryResult.Sent, result);
        var delivered = Assert.Single(graph.Delivered);
        Assert.Equal(workbook, Assert.Single(delivered.Parts, p => !p.IsInline).Bytes);
        Assert.Equal(0, graph.OpenDrafts);
        var claim = await ClaimAsync(app);
        Assert.Equal((nameof(MailSendStatus.Sent), 1, 2), (claim!.Status, claim.Sends, claim.Attempts));
    }
}
