using System.Text;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Catalogue;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static ItInventory.Functions.Tests.Catalogue.CatalogueKit;

namespace ItInventory.Functions.Tests.Catalogue;

public sealed class AssetCsvFormatTests
{
    private static (ParsedAssets? Assets, string? Error) Parse(string csv, int maxRows = 100) =>
        AssetCsv.Parse(Encoding.UTF8.GetBytes(csv), maxRows);

    [Theory]
    [InlineData("name\nx\n", "lacks type")]
    [InlineData("name,type,colour\nx,peripheral,red\n", "Unknown column 'colour'")]
    [InlineData("name,type,name\nx,y,z\n", "appears twice")]
    [InlineData("name,type\n\"x,peripheral\n", "Malformed CSV")]
    public void Malformed_files_are_errors(string csv, string message)
    {
        var (assets, error) = Parse(csv);
        Assert.Null(assets);
        Assert.Contains(message, error);
    }

    [Fact]
    public void Too_many_rows_is_an_error() =>
        Assert.Contains(
            "more than 2 rows",
            Parse("name,type\na,peripheral\nb,peripheral\nc,peripheral\n", maxRows: 2).Error
        );

    [Fact]
    public void Rows_keep_their_record_numbers_and_bad_identifiers_reject_only_their_row()
    {
        var (assets, error) = Parse(
            "type,name,id,tag\nperipheral,ok,,\nperipheral,bad id,XYZ,\nperipheral,\"multi\nline\",,\nperipheral,bad "
                + "tag,,tag?\nperipheral,short\n"
        );

        Assert.Null(error);
        Assert.Equal([2, 4], assets!.Rows.Select(r => r.Row).ToArray());
        Assert.Equal("multi\nline", assets.Rows[1].Values.Name);
        Assert.Equal([(3, "id"), (5, "tag"), (6, "")], assets.Rejections.Select(r => (r.Row, r.Field)).ToArray());
        Assert.Null(assets.Rows[0].Values.Category);
        Assert.Contains("name", assets.Rows[0].Columns);
    }

    [Fact]
    public void Export_escapes_formula_cells_and_import_reads_them_back()
    {
        var detail = new AssetDetailEntity
        {
            PartitionKey = new string('a', 32),
            Name = "=HYPERLINK(\"http://evil\")",
            Model = "-5V",
            Manufacturer = "@corp",
            Type = "Peripheral",
            Kind = "Hardware",
            State = "InStock",
        };
        var csv = Encoding.UTF8.GetString(AssetCsv.Write([(detail, new AssetSummaryEntity())]));

        Assert.Contains("\"'=HYPERLINK(\"\"http://evil\"\")\"", csv);
        Assert.DoesNotContain(",=", csv);
        Assert.DoesNotContain(",-5V", csv);
        var row = Assert.Single(Parse(csv).Assets!.Rows);
        Assert.Equal(
            ("=HYPERLINK(\"http://evil\")", "-5V", "@corp"),
            (row.Values.Name, row.Values.Model, row.Values.Manufacturer)
        );
    }
}

public sealed class AssetImportTests : IAsyncLifetime
{
    private const string Header = "name,type,serialNumber,category,location,owner,department,criticality,state";
    private TestApp app = null!;

    public async Task InitializeAsync()
    {
        app = await TestApp.StartAsync();
        await SeedAsync(app);
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private static void AssertReport(HttpAnswer answer, int created, int updated, int unchanged, int rejected)
    {
        Assert.True(answer.Status == 200, answer.Body);
        var json = answer.Json;
        Assert.Equal(
            (created, updated, unchanged, rejected),
            (
                json.GetProperty("created").GetInt32(),
                json.GetProperty("updated").GetInt32(),
                json.GetProperty("unchanged").GetInt32(),
                json.GetProperty("rejected").GetInt32()
            )
        );
    }

    private static string ValidFile =>
        Header
        + "\n"
        + $"Dock A,peripheral,DOCKA001,monitors,hq,{Alice},Finance,Low,InStock\n"
        + $"Sensor B,iot-sensor,SENSB002,sensors,hq-3f,,HR,,Ordered\n";

    [Fact]
    public async Task Import_creates_then_re_import_changes_nothing()
    {
        AssertReport(await ImportAsync(app, ValidFile), created: 2, updated: 0, unchanged: 0, rejected: 0);
        var snapshot = await app.SnapshotAsync();

        AssertReport(await ImportAsync(app, ValidFile), created: 0, updated: 0, unchanged: 2, rejected: 0);

        await app.AssertUnchangedSinceAsync(snapshot);
        var dock = (
            await app.Store.Identities.GetEntityAsync<AssetIdentityEntity>("serial|DOCKA001", TableKeys.IdentityRow)
        )
            .Value
            .AssetId;
        var detail = (await app.Store.Assets.GetEntityAsync<AssetDetailEntity>(dock, TableKeys.AssetDetailRow)).Value;
        Assert.Equal(
            ("Dock A", "monitors", Alice, "import"),
            (detail.Name, detail.Category, detail.Owner, detail.Source)
        );
        Assert.Equal("create", Assert.Single(await AuditAsync(app, "asset", dock)).Action);
    }

    [Fact]
    public async Task Valid_rows_are_applied_and_bad_rows_reported_with_their_numbers()
    {
        var csv =
            Header
            + "\n"
            + $"Dock A,peripheral,DOCKA001,monitors,hq,{Alice},Finance,Low,InStock\n"
            + "No id,peripheral,,,,,,,\n"
            + "Bad cat,peripheral,BADCAT01,phones,,,,,\n"
            + $"Gone owner,peripheral,GONE0001,,,{Gone},,,\n"
            + "Bad state,peripheral,STATE001,,,,,,Retired\n"
            + "Dup,peripheral,docka001,,,,,,\n"
            + "Bad type,drone,TYPE0001,,,,,,\n";

        var answer = await ImportAsync(app, csv);

        AssertReport(answer, created: 1, updated: 0, unchanged: 0, rejected: 6);
        var rejections = answer
            .Json.GetProperty("rejections")
            .EnumerateArray()
            .Select(r => (r.GetProperty("row").GetInt32(), r.GetProperty("field").GetString()))
            .ToArray();
        Assert.Equal(
            [(3, "serialNumber"), (4, "category"), (5, "owner"), (6, "state"), (7, "serialNumber"), (8, "type")],
            rejections
        );
        Assert.Single(await app.Store.Summaries.QueryAsync<AssetSummaryEntity>().ToListAsync());
    }

    [Fact]
    public async Task Rows_update_existing_assets_by_tag_or_serial_and_never_their_identity_or_state()
    {
        AssertReport(await ImportAsync(app, ValidFile), 2, 0, 0, 0);
        var dock = (
            await app.Store.Identities.GetEntityAsync<AssetIdentityEntity>("serial|DOCKA001", TableKeys.IdentityRow)
        )
            .Value
            .AssetId;
        var admin = new Functions.Management.Security.Caller(
            "t",
            null,
            new HashSet<string> { Functions.Management.Security.ManagementRoles.Admin },
            new HashSet<string>(),
            true
        );
        var tag = (
            await app
                .Services.GetRequiredService<Functions.Tags.AssetTagService>()
                .AllocateAsync(admin, dock, CancellationToken.None)
        )
            .Value!
            .Tag;

        var update = $"tag,name,type,location,owner\n{tag},Dock A2,peripheral,warehouse,\n";
        AssertReport(await ImportAsync(app, update), 0, 1, 0, 0);
        var detail = (await app.Store.Assets.GetEntityAsync<AssetDetailEntity>(dock, TableKeys.AssetDetailRow)).Value;
        Assert.Equal(
            ("Dock A2", "warehouse", "", "monitors"),
            (detail.Name, detail.Location, detail.Owner, detail.Category)
        );
        var summary = (
            await app.Store.Summaries.GetEntityAsync<AssetSummaryEntity>(TableKeys.SummaryPartition(dock), dock)
        ).Value;
        Assert.Equal(("Dock A2", "warehouse", ""), (summary.Name, summary.Location, summary.Owner));
        Assert.Equal(
            ["create", "tag", "update"],
            (await AuditAsync(app, "asset", dock)).Select(a => a.Action).ToArray()
        );

        var snapshot = await app.SnapshotAsync();
        var refused = await ImportAsync(
            app,
            $"tag,name,type,state\n{tag},Dock,peripheral,Deployed\nITI-999999,Nothing,peripheral,\n{tag},Dock,"
                + "iot-sensor,\n"
        );
        AssertReport(refused, 0, 0, 0, 3);
        await app.AssertUnchangedSinceAsync(snapshot);
    }

    [Fact]
    public async Task Export_imports_back_unchanged_and_follows_the_search_filters_and_scope()
    {
        AssertReport(await ImportAsync(app, ValidFile), 2, 0, 0, 0);
        await app.EnrollNewDeviceAsync();

        var export = await ExportAsync(app);
        Assert.Equal(200, export.Status);
        Assert.StartsWith("text/csv", export.ContentType);
        Assert.Equal(4, export.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var snapshot = await app.SnapshotAsync();
        AssertReport(await ImportAsync(app, export.Body), 0, 0, 3, 0);
        await app.AssertUnchangedSinceAsync(snapshot);

        Assert.Equal(
            2,
            (await ExportAsync(app, "?department=Finance", TestTokens.FinanceLead))
                .Body.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Length
        );
        Assert.Equal(403, (await ExportAsync(app, "?department=Finance", TestTokens.HrLead)).Status);
        Assert.Equal(403, (await ExportAsync(app, "", TestTokens.EndUser)).Status);
        Assert.Equal(400, (await ExportAsync(app, "?kind=Robot")).Status);
    }

    [Fact]
    public async Task Malformed_files_and_wrong_callers_write_nothing()
    {
        var snapshot = await app.SnapshotAsync();

        Assert.Equal(400, (await ImportAsync(app, "name,type,colour\nx,peripheral,red\n")).Status);
        Assert.Equal(400, (await ImportAsync(app, "name,type\n\"unterminated,peripheral\n")).Status);
        Assert.Equal(415, (await ImportAsync(app, ValidFile, contentType: "application/json")).Status);
        Assert.Equal(403, (await ImportAsync(app, ValidFile, TestTokens.FinanceLead)).Status);
        Assert.Equal(403, (await ImportAsync(app, ValidFile, TestTokens.AdminWithoutMfa)).Status);
        Assert.Equal(
            413,
            (await ImportAsync(app, Header + "\n" + new string('x', AssetImportService.MaxImportBytes))).Status
        );

        await app.AssertUnchangedSinceAsync(snapshot);
    }
}
