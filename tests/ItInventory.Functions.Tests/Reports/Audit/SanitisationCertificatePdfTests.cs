using System.Text;
using ItInventory.Functions.Common;
using ItInventory.Functions.Lifecycle;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Lifecycle;
using Microsoft.AspNetCore.Mvc;
using UglyToad.PdfPig;

namespace ItInventory.Functions.Tests.Reports.Audit;

/// <summary>The sanitisation certificate as PDF through its existing endpoint (<c>?format=pdf</c> or
/// <c>Accept: application/pdf</c>); the HTML stays the default.</summary>
public sealed class SanitisationCertificatePdfTests : IAsyncLifetime
{
    private TestApp app = null!;
    private LifecycleClient client = null!;

    public async Task InitializeAsync()
    {
        app = await TestApp.StartAsync();
        client = new LifecycleClient(app);
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<(HttpAnswer Answer, byte[] Body)> GetAsync(string assetId, string query, string? accept = null)
    {
        var headers = LifecycleClient.Headers(TestTokens.Auditor);
        if (accept is not null)
            headers["Accept"] = accept;
        var request = app.Request("GET", $"/api/assets/{assetId}/decommissioning/certificate", [], null, headers);
        request.QueryString = new Microsoft.AspNetCore.Http.QueryString(query);
        IActionResult result;
        try
        {
            result = await app.Create<LifecycleFunctions>()
                .GetSanitisationCertificate(request, assetId, CancellationToken.None);
        }
        catch (ProblemException ex)
        {
            result = new ProblemResult(ex.Problem);
        }
        var answer = await TestApp.ExecuteAsync(request, result);
        var body = result is BytesResult bytes ? bytes.Body : [];
        return (answer, body);
    }

    private static string Text(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return string.Join("\n", document.GetPages().Select(p => string.Join(" ", p.GetWords().Select(w => w.Text))));
    }

    private async Task<(string AssetId, string Sha)> CertifiedAsync()
    {
        var device = await client.EnrollAsync();
        await client.RetireAndSanitiseAsync(device.DeviceId);
        var certificate = (await client.GetDecommissioningAsync(device.DeviceId)).Json.GetProperty("certificate");
        return (device.DeviceId, certificate.GetProperty("sha256").GetString()!);
    }

    [Fact]
    public async Task The_certificate_pdf_carries_the_certificate_hash_and_the_html_stays_the_default()
    {
        var (assetId, sha) = await CertifiedAsync();

        var (pdf, pdfBytes) = await GetAsync(assetId, "?format=pdf");
        var (negotiated, negotiatedBytes) = await GetAsync(assetId, "", accept: "application/pdf");
        var (html, _) = await GetAsync(assetId, "");

        Assert.Equal((200, "application/pdf"), (pdf.Status, pdf.ContentType));
        Assert.Equal((200, "application/pdf"), (negotiated.Status, negotiated.ContentType));
        Assert.StartsWith("text/html", html.ContentType);
        Assert.Contains(sha, html.Body);
        var text = Text(pdfBytes);
        Assert.Contains(sha, text);
        Assert.Contains("Certificate of data sanitisation", text);
        Assert.Contains(assetId, text);
        Assert.Contains(sha, Text(negotiatedBytes));
    }

    [Fact]
    public async Task An_unknown_format_is_a_400_problem()
    {
        var (assetId, _) = await CertifiedAsync();

        var (answer, _) = await GetAsync(assetId, "?format=docx");

        Assert.Equal(400, answer.Status);
        Assert.StartsWith("application/problem+json", answer.ContentType);
    }

    [Fact]
    public async Task A_stored_certificate_altered_after_issue_is_not_rendered_as_pdf()
    {
        var (assetId, _) = await CertifiedAsync();
        var blobs = app.Store.Certificates;
        await foreach (
            var item in blobs.GetBlobsAsync(
                Azure.Storage.Blobs.Models.BlobTraits.None,
                Azure.Storage.Blobs.Models.BlobStates.None,
                assetId + "/",
                CancellationToken.None
            )
        )
        {
            var blob = blobs.GetBlobClient(item.Name);
            var html = (await blob.DownloadContentAsync()).Value.Content.ToString();
            var altered = html.Replace("Jo Tech", "Someone Else", StringComparison.Ordinal);
            await blob.UploadAsync(new BinaryData(Encoding.UTF8.GetBytes(altered)), overwrite: true);
        }

        var (answer, _) = await GetAsync(assetId, "?format=pdf");

        Assert.Equal(409, answer.Status);
    }
}
