using System.Text;
using ClosedXML.Excel;
using ItInventory.Functions.Campaigns;
using ItInventory.Functions.Findings;
using ItInventory.Functions.Reports;
using ItInventory.Functions.Reports.Audit;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Lifecycle;
using Microsoft.Extensions.DependencyInjection;
using UglyToad.PdfPig;

namespace ItInventory.Functions.Tests.Reports.Audit;

/// <summary>The audit report on demand through the app: 202 + status location, the queue worker, the files in Blob
/// Storage with their index row, the PDF read back (PdfPig) against the CSV, reruns and retries.</summary>
public sealed class AuditReportApiTests : IAsyncLifetime
{
    private TestApp app = null!;

    public async Task InitializeAsync() => app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    private static DateTimeOffset At(int month, int day) => new(2026, month, day, 9, 0, 0, TimeSpan.Zero);

    private async Task<HttpAnswer> RequestAsync(string? json, Persona persona)
    {
        var request = app.Request(
            "POST",
            "/api/reports/audit",
            json is null ? [] : Encoding.UTF8.GetBytes(json),
            json is null ? null : "application/json",
            LifecycleClient.Headers(persona)
        );
        return await TestApp.ExecuteAsync(
            request,
            app.Create<AuditReportFunctions>().RequestAuditReport(request, CancellationToken.None)
        );
    }

    private async Task<HttpAnswer> StatusAsync(string location, Persona? persona = null)
    {
        var id = location.Split('/')[^1];
        var request = app.Request("GET", location, [], null, LifecycleClient.Headers(persona ?? TestTokens.Auditor));
        return await TestApp.ExecuteAsync(
            request,
            app.Create<AuditReportFunctions>().GetAuditReport(request, id, CancellationToken.None)
        );
    }

    /// <summary>Delivers every queued audit report message to the worker, as the queue trigger would.</summary>
    private async Task<int> RunWorkerAsync()
    {
        var delivered = 0;
        while ((await app.Store.AuditReportQueue.ReceiveMessageAsync()).Value is { } message)
        {
            await app.Create<AuditReportFunctions>().GenerateAuditReport(message, CancellationToken.None);
            await app.Store.AuditReportQueue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            delivered++;
        }
        return delivered;
    }

    private async Task<byte[]> DownloadAsync(string id, string file, Persona? persona = null)
    {
        var request = app.Request(
            "GET",
            $"/api/reports/audit/{id}/{file}",
            [],
            null,
            LifecycleClient.Headers(persona ?? TestTokens.Auditor)
        );
        var result = await app.Create<ReportFunctions>()
            .DownloadReport(request, "audit", id, file, CancellationToken.None);
        return Assert.IsType<Functions.Common.BytesResult>(result).Body;
    }

    private static FindingCondition Missing(string subject, string department) =>
        new(FindingKinds.Missing, FindingSubjects.Asset, subject, FindingSeverity.Medium, department, "Silent");

    /// <summary>November: two findings raised, one auto-resolved on the 20th; a campaign closed at 3 of 4 as
    /// recorded; an asset sanitised (certificate) and disposed. December (after the period): the other finding
    /// resolved, a third raised.</summary>
    private async Task<(string AssetId, string CertificateSha)> SeedNovemberAsync()
    {
        var findings = app.Services.GetRequiredService<FindingService>();
        app.Clock.SetUtcNow(At(11, 3));
        await findings.RaiseAsync(Missing("asset-a", "Finance"), "run-1", CancellationToken.None);
        await findings.RaiseAsync(Missing("asset-b", "HR"), "run-1", CancellationToken.None);
        await app.Store.Campaigns.AddEntityAsync(
            new CampaignEntity
            {
                RowKey = "c-november",
                Name = "November count",
                Status = nameof(CampaignStatus.Closed),
                Expected = 4,
                Population = 4,
                CreatedAt = At(11, 4),
                CreatedBy = "auditor",
                ClosedAt = At(11, 10),
                ClosedBy = "auditor",
                Found = 3,
                FoundAsRecorded = 3,
                Missing = 1,
                LocationDifferent = 0,
                Damaged = 0,
                Unexpected = 1,
                AccuracyRate = 0.75,
            }
        );

        var lifecycle = new LifecycleClient(app);
        var device = await lifecycle.EnrollAsync();
        await lifecycle.RetireAndSanitiseAsync(device.DeviceId);
        var disposal = await lifecycle.DisposalAsync(
            device.DeviceId,
            LifecycleClient.Disposal,
            await lifecycle.ETagAsync(device.DeviceId)
        );
        Assert.True(disposal.Status == 200, disposal.Body);
        var decommissioning = (await lifecycle.GetDecommissioningAsync(device.DeviceId)).Json;
        var sha = decommissioning.GetProperty("certificate").GetProperty("sha256").GetString()!;

        app.Clock.SetUtcNow(At(11, 20));
        await findings.ReconcileAsync(
            [FindingKinds.Missing],
            [Missing("asset-a", "Finance")],
            "run-2",
            CancellationToken.None
        );

        app.Clock.SetUtcNow(At(12, 2));
        await findings.ReconcileAsync([FindingKinds.Missing], [], "run-3", CancellationToken.None);
        await findings.RaiseAsync(Missing("asset-c", "Finance"), "run-4", CancellationToken.None);
        return (device.DeviceId, sha);
    }

    private static Dictionary<string, string> SummaryOf(byte[] csv) =>
        Encoding
            .UTF8.GetString(csv)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Skip(1)
            .Select(line => line.TrimEnd('\r').Split(',', 2))
            .ToDictionary(p => p[0], p => p[1].Trim('"'));

    /// <summary>The PDF's text, one string per printed line (words on the same baseline, left to right).</summary>
    private static List<string> PdfLines(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return
        [
            .. document
                .GetPages()
                .SelectMany(page =>
                    page.GetWords()
                        .GroupBy(w => Math.Round(w.BoundingBox.Bottom))
                        .OrderByDescending(g => g.Key)
                        .Select(g => string.Join(" ", g.OrderBy(w => w.BoundingBox.Left).Select(w => w.Text)))
                ),
        ];
    }

    [Fact]
    public async Task A_requested_report_is_accepted_generated_by_the_worker_and_its_pdf_shows_the_csv_figures()
    {
        var (assetId, certificateSha) = await SeedNovemberAsync();

        var accepted = await RequestAsync("""{"period":"2026-11","requestId":"nov-1"}""", TestTokens.Auditor);

        Assert.True(accepted.Status == 202, accepted.Body);
        var location = accepted.Headers.Location.ToString();
        var id = accepted.Json.GetProperty("id").GetString()!;
        Assert.Equal($"/api/reports/audit/{id}", location);
        Assert.Equal("Pending", (await StatusAsync(location)).Json.GetProperty("status").GetString());

        Assert.Equal(1, await RunWorkerAsync());

        var status = (await StatusAsync(location)).Json;
        Assert.Equal("Done", status.GetProperty("status").GetString());
        Assert.Equal(
            ("2026-11-01", "2026-11-30"),
            (status.GetProperty("from").GetString(), status.GetProperty("to").GetString())
        );
        var files = status
            .GetProperty("files")
            .EnumerateArray()
            .Select(f => f.GetProperty("name").GetString()!)
            .ToList();
        Assert.Contains("audit.pdf", files);
        Assert.Contains("audit.xlsx", files);
        Assert.Contains("summary.csv", files);
        Assert.Equal(
            $"/api/reports/audit/{id}/audit.pdf",
            status
                .GetProperty("files")
                .EnumerateArray()
                .First(f => f.GetProperty("name").GetString() == "audit.pdf")
                .GetProperty("href")
                .GetString()
        );
        // Filed in Blob Storage under reports/audit/{id}/ with its index row.
        Assert.True((await app.Store.Reports.GetBlobClient($"audit/{id}/audit.pdf").ExistsAsync()).Value);
        var index = await app.Services.GetRequiredService<ReportStore>().FindAsync("audit", id, CancellationToken.None);
        Assert.NotNull(index);

        var summary = SummaryOf(await DownloadAsync(id, "summary.csv"));
        Assert.Equal("2026-11-01 to 2026-11-30", summary["Period"]);
        Assert.Equal("2", summary["Findings opened"]);
        Assert.Equal("1", summary["Findings auto-resolved"]);
        // asset-a resolved and asset-c raised in December: November's end still shows one open.
        Assert.Equal("1", summary["Findings open at the end"]);
        Assert.Equal("0.7500", summary["Accuracy rate"]);
        Assert.Equal("intact", summary["Audit trail"]);
        Assert.Equal("1", summary["Sanitisations"]);
        Assert.Equal("1", summary["Certificates issued"]);
        Assert.Equal("1", summary["Disposals"]);

        var certificates = Encoding.UTF8.GetString(await DownloadAsync(id, "certificates.csv"));
        Assert.Contains($"{assetId},", certificates);
        Assert.Contains(certificateSha, certificates);

        // The PDF prints each summary figure on its label's line, and the certificate hash.
        var pdf = await DownloadAsync(id, "audit.pdf");
        Assert.StartsWith("%PDF-", Encoding.ASCII.GetString(pdf, 0, 5));
        var lines = PdfLines(pdf);
        foreach (var (label, value) in summary)
            Assert.Contains(lines, l => l.Contains($"{label} {value}", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(certificateSha, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("November count", StringComparison.Ordinal));

        // The workbook holds the same figures.
        using var workbook = new XLWorkbook(new MemoryStream(await DownloadAsync(id, "audit.xlsx")));
        var sheet = workbook.Worksheet("summary");
        var xlsx = sheet.RowsUsed().Skip(1).ToDictionary(r => r.Cell(1).GetString(), r => r.Cell(2).GetString());
        Assert.Equal(summary, xlsx);
    }

    [Fact]
    public async Task A_retry_with_the_same_request_id_answers_the_same_report_and_a_rerun_gives_the_same_numbers()
    {
        await SeedNovemberAsync();

        var first = await RequestAsync("""{"period":"2026-11","requestId":"nov-1"}""", TestTokens.Admin);
        var retry = await RequestAsync("""{"period":"2026-11","requestId":"nov-1"}""", TestTokens.Admin);

        Assert.Equal(202, retry.Status);
        Assert.Equal(first.Headers.Location.ToString(), retry.Headers.Location.ToString());
        // The pending retry queued the report again; the worker generates it once.
        Assert.Equal(2, await RunWorkerAsync());
        var id = first.Json.GetProperty("id").GetString()!;
        var status = (await StatusAsync(first.Headers.Location.ToString())).Json;
        Assert.Equal(
            ("Done", 1),
            (status.GetProperty("status").GetString(), status.GetProperty("attempts").GetInt32())
        );

        // Once done, a retry queues nothing and answers the finished report.
        var done = await RequestAsync("""{"period":"2026-11","requestId":"nov-1"}""", TestTokens.Admin);
        Assert.Equal("Done", done.Json.GetProperty("status").GetString());
        Assert.Equal(0, await RunWorkerAsync());

        // The same id for another period is a conflict.
        Assert.Equal(
            409,
            (await RequestAsync("""{"period":"2026-10","requestId":"nov-1"}""", TestTokens.Admin)).Status
        );

        // A rerun for the same period, later (and by someone else): a second report with the same numbers.
        app.Clock.SetUtcNow(At(12, 5));
        var rerun = await RequestAsync("""{"from":"2026-11-01","to":"2026-11-30"}""", TestTokens.Auditor);
        Assert.Equal(1, await RunWorkerAsync());
        var rerunId = rerun.Json.GetProperty("id").GetString()!;
        Assert.NotEqual(id, rerunId);
        foreach (
            var file in new[]
            {
                "summary.csv",
                "findings-by-kind.csv",
                "findings.csv",
                "campaigns.csv",
                "certificates.csv",
            }
        )
            Assert.Equal(
                Encoding.UTF8.GetString(await DownloadAsync(id, file)),
                Encoding.UTF8.GetString(await DownloadAsync(rerunId, file))
            );

        var listed = await app.Services.GetRequiredService<ReportStore>().ListAsync("audit", CancellationToken.None);
        Assert.Equal(
            new[] { id, rerunId }.Order(StringComparer.Ordinal),
            listed.Select(r => r.RowKey).Order(StringComparer.Ordinal)
        );
    }

    [Theory]
    [InlineData("""{"period":"2026-13"}""")]
    [InlineData("""{"period":"2026-11","from":"2026-11-01","to":"2026-11-30"}""")]
    [InlineData("""{"from":"2026-11-10","to":"2026-11-01"}""")]
    [InlineData("""{"from":"2026-11-01"}""")]
    [InlineData("""{"from":"2025-01-01","to":"2026-10-31"}""")]
    [InlineData("""{"period":"2026-12"}""")]
    [InlineData("""{"requestId":"has spaces"}""")]
    [InlineData("""{"period":2026}""")]
    [InlineData("""not json""")]
    public async Task Bad_input_is_a_400_problem_and_writes_nothing(string body)
    {
        app.Clock.SetUtcNow(At(12, 2));
        var before = await app.SnapshotAsync();

        var answer = await RequestAsync(body, TestTokens.Admin);

        Assert.Equal(400, answer.Status);
        Assert.StartsWith("application/problem+json", answer.ContentType);
        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task An_empty_body_asks_for_the_month_that_ended_last()
    {
        app.Clock.SetUtcNow(At(12, 2));

        var answer = await RequestAsync(null, TestTokens.Auditor);

        Assert.Equal(202, answer.Status);
        Assert.Equal("2026-11-01", answer.Json.GetProperty("from").GetString());
        Assert.Equal("2026-11-30", answer.Json.GetProperty("to").GetString());
    }

    [Fact]
    public async Task Leads_and_users_may_neither_request_nor_read_audit_reports()
    {
        app.Clock.SetUtcNow(At(12, 2));
        var accepted = await RequestAsync(null, TestTokens.Auditor);
        var before = await app.SnapshotAsync();

        foreach (var persona in new[] { TestTokens.FinanceLead, TestTokens.EndUser })
        {
            Assert.Equal(403, (await RequestAsync(null, persona)).Status);
            Assert.Equal(403, (await StatusAsync(accepted.Headers.Location.ToString(), persona)).Status);
        }
        Assert.Equal(404, (await StatusAsync("/api/reports/audit/0123456789abcdef0123456789abcdef")).Status);
        Assert.Equal(404, (await StatusAsync("/api/reports/audit/not-an-id")).Status);
        await app.AssertUnchangedSinceAsync(before);
    }
}
