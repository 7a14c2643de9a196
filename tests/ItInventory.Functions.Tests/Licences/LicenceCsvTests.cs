using ItInventory.Functions.Tests.Infrastructure;

namespace ItInventory.Functions.Tests.Licences;

public sealed class LicenceCsvTests : IAsyncLifetime
{
    private const string Header = "product,reference,type,seats,unitCost,startDate,endDate,renewalDate";

    private TestApp app = null!;
    private LicenceTestKit kit = null!;
    private string office = null!;

    public async Task InitializeAsync()
    {
        app = await TestApp.StartAsync();
        kit = new LicenceTestKit(app);
        office = await kit.CreateProductAsync("Microsoft 365 E3", "PerUser", "[{\"name\":\"Microsoft 365*\"}]");
        await kit.CreateProductAsync("AutoCAD", "PerDevice", "[{\"name\":\"AutoCAD*\"}]");
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<HttpAnswer> ImportAsync(string csv, Persona? persona = null, string contentType = "text/csv") =>
        await kit.CallAsync("POST", "/api/licences/import", (f, r) => f.ImportLicences(r, CancellationToken.None), csv, persona, contentType: contentType);

    private async Task<HttpAnswer> ExportAsync() =>
        await kit.CallAsync("GET", "/api/licences/export", (f, r) => f.ExportLicences(r, CancellationToken.None), persona: TestTokens.Auditor);

    private string ValidFile =>
        Header + "\n"
        + "microsoft 365 e3,EA-2026,Subscription,250,32.00,2026-01-01,2026-12-31,2026-11-30\n"
        + $"{office},PO-77,Perpetual,10,,,,\n"
        + "AutoCAD,\"SITE, Berlin\",Site,,,,2027-06-30,\n";

    [Fact]
    public async Task Import_creates_entitlements_and_importing_again_changes_nothing()
    {
        var first = await ImportAsync(ValidFile);
        Assert.True(first.Status == 200, first.Body);
        Assert.Equal((3, 0, 0), (first.Json.GetProperty("created").GetInt32(), first.Json.GetProperty("updated").GetInt32(), first.Json.GetProperty("unchanged").GetInt32()));
        var rows = await app.CountAllRowsAsync();

        var again = await ImportAsync(ValidFile);
        Assert.Equal((0, 0, 3), (again.Json.GetProperty("created").GetInt32(), again.Json.GetProperty("updated").GetInt32(), again.Json.GetProperty("unchanged").GetInt32()));
        Assert.Equal(rows, await app.CountAllRowsAsync());

        var changed = await ImportAsync(Header + "\nMicrosoft 365 E3,PO-77,Perpetual,12,,,,\n");
        Assert.Equal(1, changed.Json.GetProperty("updated").GetInt32());
        var audit = (await kit.AuditAsync(office)).Last();
        Assert.Equal("entitlement-import", audit.Action);
        Assert.Contains(audit.Changes, c => c.Field == "Seats" && c.From == "10" && c.To == "12");

        var compliance = (await kit.ComplianceAsync(office)).Json;
        Assert.Equal(262, compliance.GetProperty("purchasedSeats").GetInt32());
    }

    [Fact]
    public async Task Export_imports_back_unchanged()
    {
        Assert.Equal(200, (await ImportAsync(ValidFile)).Status);
        var export = await ExportAsync();
        Assert.Equal(200, export.Status);
        Assert.StartsWith("text/csv", export.ContentType);
        Assert.StartsWith(Header, export.Body);
        Assert.Contains("\"SITE, Berlin\"", export.Body);

        var reimport = await ImportAsync(export.Body);
        Assert.True(reimport.Status == 200, reimport.Body);
        Assert.Equal(3, reimport.Json.GetProperty("unchanged").GetInt32());
    }

    [Fact]
    public async Task A_file_with_bad_rows_is_rejected_whole_with_the_row_numbers_and_writes_nothing()
    {
        var before = await app.CountAllRowsAsync();
        var bad = Header + "\n"
            + "Microsoft 365 E3,OK-1,Perpetual,5,,,,\n"          // row 2: fine
            + "Unknown Product,X-1,Perpetual,5,,,,\n"           // row 3
            + "AutoCAD,X-2,Perpetual,five,,,,\n"                // row 4
            + "AutoCAD,X-3,Subscription,5,,2026-01-01,,\n"      // row 5: no end date
            + "AutoCAD,X-4,Perpetual,5,1e3,,,\n"                // row 6
            + "AutoCAD,X-5,Perpetual,5,,2026-13-01,,\n"         // row 7
            + "Microsoft 365 E3,ok-1,Perpetual,6,,,,\n"         // row 8: duplicate of row 2
            + "AutoCAD,X-6,Perpetual\n";                        // row 9: too few fields
        var answer = await ImportAsync(bad);
        Assert.Equal(422, answer.Status);
        Assert.Equal("application/problem+json; charset=utf-8", answer.ContentType);
        var keys = answer.Json.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order().ToArray();
        Assert.Equal(["rows[3].product", "rows[4].seats", "rows[5].endDate", "rows[6].unitCost", "rows[7].startDate", "rows[8].reference", "rows[9]"], keys);
        Assert.Equal(before, await app.CountAllRowsAsync());
    }

    [Fact]
    public async Task Malformed_files_are_400_and_wrong_media_types_415()
    {
        var before = await app.CountAllRowsAsync();
        Assert.Equal(400, (await ImportAsync("product,reference\nX,Y\n")).Status);
        Assert.Equal(400, (await ImportAsync(Header + ",extra\n")).Status);
        Assert.Equal(400, (await ImportAsync(Header + "\n\"unterminated,PO,Perpetual,1,,,,\n")).Status);
        Assert.Equal(415, (await ImportAsync(ValidFile, contentType: "application/json")).Status);
        Assert.Equal(403, (await ImportAsync(ValidFile, TestTokens.Auditor)).Status);
        Assert.Equal(403, (await ImportAsync(ValidFile, TestTokens.AdminWithoutMfa)).Status);
        Assert.Equal(before, await app.CountAllRowsAsync());
    }
}
