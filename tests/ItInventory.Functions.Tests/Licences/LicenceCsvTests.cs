using System.Text;
using System.Text.Json;
using ItInventory.Functions.Licences;
using ItInventory.Functions.Tests.Infrastructure;

namespace ItInventory.Functions.Tests.Licences;

public sealed class LicenceCsvTests : IAsyncLifetime
{
    private const string Header = "product,reference,type,seats,unitCost,startDate,endDate,renewalDate";
    private static readonly string FullHeader = string.Join(",", LicenceCsv.Columns);

    private TestApp app = null!;
    private LicenceTestKit kit = null!;
    private string office = null!;
    private string autocad = null!;

    public async Task InitializeAsync()
    {
        app = await TestApp.StartAsync();
        kit = new LicenceTestKit(app);
        office = await kit.CreateProductAsync("Microsoft 365 E3", "PerUser", "[{\"name\":\"Microsoft 365*\"}]");
        autocad = await kit.CreateProductAsync("AutoCAD", "PerDevice", "[{\"name\":\"AutoCAD*\"}]");
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<HttpAnswer> ImportAsync(string csv, Persona? persona = null, string contentType = "text/csv") =>
        await kit.CallAsync(
            "POST",
            "/api/licences/import",
            (f, r) => f.ImportLicences(r, CancellationToken.None),
            csv,
            persona,
            contentType: contentType
        );

    private async Task<HttpAnswer> ExportAsync() =>
        await kit.CallAsync(
            "GET",
            "/api/licences/export",
            (f, r) => f.ExportLicences(r, CancellationToken.None),
            persona: TestTokens.Auditor
        );

    private async Task<JsonElement> ProductAsync(string productId)
    {
        var answer = await kit.CallAsync("GET", $"/api/licences/{productId}", (f, r) =>
            f.GetLicenceProduct(r, productId, CancellationToken.None)
        );
        Assert.True(answer.Status == 200, answer.Body);
        return answer.Json;
    }

    private async Task<JsonElement?> ProductNamedAsync(string name)
    {
        var answer = await kit.CallAsync("GET", "/api/licences", (f, r) =>
            f.ListLicenceProducts(r, CancellationToken.None)
        );
        Assert.True(answer.Status == 200, answer.Body);
        foreach (var item in answer.Json.GetProperty("items").EnumerateArray())
        {
            if (item.GetProperty("name").GetString() == name)
                return item;
        }
        return null;
    }

    private static (int, int, int) Counts(JsonElement report, string part) =>
        (
            report.GetProperty(part).GetProperty("created").GetInt32(),
            report.GetProperty(part).GetProperty("updated").GetInt32(),
            report.GetProperty(part).GetProperty("unchanged").GetInt32()
        );

    private static List<(int Row, string Field)> Rejections(JsonElement report) =>
        report
            .GetProperty("rejections")
            .EnumerateArray()
            .Select(r => (r.GetProperty("row").GetInt32(), r.GetProperty("field").GetString()!))
            .ToList();

    private string ValidFile =>
        Header
        + "\n"
        + "microsoft 365 e3,EA-2026,Subscription,250,32.00,2026-01-01,2026-12-31,2026-11-30\n"
        + $"{office},PO-77,Perpetual,10,,,,\n"
        + "AutoCAD,\"SITE, Berlin\",Site,,,,2027-06-30,\n";

    /// <summary>A new product with two rules (one row also carries an entitlement), a second entitlement row, and rows
    /// for an existing product.</summary>
    private static string ProductsFile =>
        FullHeader
        + "\n"
        + "Adobe Acrobat Pro,Adobe,PerUser,USD,Adobe "
        + "Acrobat*,Adobe*,,VIP-1,Subscription,40,19.99,2026-01-01,2026-12-31,2026-12-01\n"
        + "Adobe Acrobat Pro,Adobe,PerUser,USD,Acrobat Reader Pro*,,24.,,,,,,,\n"
        + "adobe acrobat pro,,,,,,,PO-9,Perpetual,5,100,,,\n"
        + "AutoCAD,,,,,,,SITE-2,Site,,,,,\n";

    [Fact]
    public async Task Entitlement_only_files_still_import_and_importing_again_changes_nothing()
    {
        var first = await ImportAsync(ValidFile);
        Assert.True(first.Status == 200, first.Body);
        Assert.Equal((3, 0, 0), Counts(first.Json, "entitlements"));
        Assert.Equal((0, 0, 0), Counts(first.Json, "products"));
        Assert.Equal(
            (3, 0, 0, 0),
            (
                first.Json.GetProperty("created").GetInt32(),
                first.Json.GetProperty("updated").GetInt32(),
                first.Json.GetProperty("unchanged").GetInt32(),
                first.Json.GetProperty("rejected").GetInt32()
            )
        );
        var snapshot = await app.SnapshotAsync();

        var again = await ImportAsync(ValidFile);
        Assert.Equal((0, 0, 3), Counts(again.Json, "entitlements"));
        await app.AssertUnchangedSinceAsync(snapshot);

        var changed = await ImportAsync(Header + "\nMicrosoft 365 E3,PO-77,Perpetual,12,,,,\n");
        Assert.Equal((0, 1, 0), Counts(changed.Json, "entitlements"));
        var audit = (await kit.AuditAsync(office)).Last();
        Assert.Equal("entitlement-import", audit.Action);
        Assert.Contains(audit.Changes, c => c.Field == "Seats" && c.From == "10" && c.To == "12");

        var compliance = (await kit.ComplianceAsync(office)).Json;
        Assert.Equal(262, compliance.GetProperty("purchasedSeats").GetInt32());
    }

    [Fact]
    public async Task A_products_and_entitlements_file_creates_both_audited_and_a_second_import_changes_nothing()
    {
        var first = await ImportAsync(ProductsFile);
        Assert.True(first.Status == 200, first.Body);
        Assert.Equal(0, first.Json.GetProperty("rejected").GetInt32());
        Assert.Equal((1, 0, 0), Counts(first.Json, "products"));
        Assert.Equal((3, 0, 0), Counts(first.Json, "entitlements"));

        var listed = await ProductNamedAsync("Adobe Acrobat Pro");
        Assert.NotNull(listed);
        var acrobatId = listed.Value.GetProperty("productId").GetString()!;
        var acrobat = await ProductAsync(acrobatId);
        Assert.Equal(
            ("Adobe", "PerUser", "USD"),
            (
                acrobat.GetProperty("vendor").GetString(),
                acrobat.GetProperty("metric").GetString(),
                acrobat.GetProperty("currency").GetString()
            )
        );
        var rules = acrobat
            .GetProperty("rules")
            .EnumerateArray()
            .Select(r =>
                (
                    r.GetProperty("name").GetString(),
                    r.TryGetProperty("publisher", out var p) ? p.GetString() : null,
                    r.TryGetProperty("versionPrefix", out var v) ? v.GetString() : null
                )
            )
            .ToList();
        Assert.Equal([("Adobe Acrobat*", "Adobe*", null), ("Acrobat Reader Pro*", null, "24.")], rules);
        Assert.Equal(
            ["PO-9", "VIP-1"],
            acrobat
                .GetProperty("entitlements")
                .EnumerateArray()
                .Select(e => e.GetProperty("reference").GetString())
                .ToList()
        );
        Assert.Equal(
            ["SITE-2"],
            (await ProductAsync(autocad))
                .GetProperty("entitlements")
                .EnumerateArray()
                .Select(e => e.GetProperty("reference").GetString())
                .ToList()
        );

        // Audit: the product and each entitlement, by the caller, with the request's correlation id.
        var records = await kit.AuditAsync(acrobatId);
        Assert.Equal(
            ["import-create", "entitlement-import", "entitlement-import"],
            records.Select(r => r.Action).ToList()
        );
        Assert.All(records, r => Assert.Equal(TestTokens.Admin.ObjectId, r.Actor.Id));
        var correlation = Assert.Single(records.Select(r => r.CorrelationId).Distinct());
        Assert.False(string.IsNullOrEmpty(correlation));
        Assert.Contains(records[0].Changes, c =>
            c.Field == "Rules" && c.From == null && c.To!.Contains("Acrobat Reader Pro*")
        );
        var autocadRecord = (await kit.AuditAsync(autocad)).Last();
        Assert.Equal(("entitlement-import", correlation), (autocadRecord.Action, autocadRecord.CorrelationId));

        var snapshot = await app.SnapshotAsync();
        var again = await ImportAsync(ProductsFile);
        Assert.True(again.Status == 200, again.Body);
        Assert.Equal((0, 0, 1), Counts(again.Json, "products"));
        Assert.Equal((0, 0, 3), Counts(again.Json, "entitlements"));
        await app.AssertUnchangedSinceAsync(snapshot);
        Assert.Equal(3, (await kit.AuditAsync(acrobatId)).Count);
    }

    [Fact]
    public async Task A_known_product_whose_columns_differ_is_updated_but_its_metric_never_changes()
    {
        var answer = await ImportAsync(
            FullHeader
                + "\n"
                + "AutoCAD,Autodesk,PerDevice,EUR,AutoCAD*,Autodesk*,,,,,,,,\n"
                + "AutoCAD,Autodesk,PerDevice,EUR,AutoCAD LT*,,,,,,,,,\n"
                + "Microsoft 365 E3,Microsoft,PerDevice,EUR,Microsoft 365*,,,,,,,,,\n"
        );
        Assert.True(answer.Status == 200, answer.Body);
        Assert.Equal((0, 1, 0), Counts(answer.Json, "products"));
        Assert.Equal([(4, "metric")], Rejections(answer.Json));

        var product = await ProductAsync(autocad);
        Assert.Equal("Autodesk", product.GetProperty("vendor").GetString());
        Assert.Equal(
            ["AutoCAD*", "AutoCAD LT*"],
            product.GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("name").GetString()).ToList()
        );
        var update = (await kit.AuditAsync(autocad)).Last();
        Assert.Equal("import-update", update.Action);
        Assert.Contains(update.Changes, c => c.Field == "Vendor" && c.From == null && c.To == "Autodesk");
        Assert.Contains(update.Changes, c => c.Field == "Rules");
        Assert.Equal("PerUser", (await ProductAsync(office)).GetProperty("metric").GetString());
        Assert.Single(await kit.AuditAsync(office));
    }

    [Fact]
    public async Task Export_imports_back_unchanged_with_formula_cells_escaped()
    {
        Assert.Equal(200, (await ImportAsync(ValidFile)).Status);
        var seeded = await ImportAsync(
            ProductsFile + "=HYPERLINK(x),-Vendor,PerDevice,EUR,@Tool*,+Pub*,,-PO-1,Perpetual,3,,,,\n"
        );
        Assert.True(seeded.Status == 200 && seeded.Json.GetProperty("rejected").GetInt32() == 0, seeded.Body);

        var export = await ExportAsync();
        Assert.Equal(200, export.Status);
        Assert.StartsWith("text/csv", export.ContentType);
        Assert.StartsWith(FullHeader, export.Body);
        Assert.Contains("\"SITE, Berlin\"", export.Body);
        foreach (var escaped in new[] { "'=HYPERLINK(x)", "'-Vendor", "'@Tool*", "'+Pub*", "'-PO-1" })
            Assert.Contains(escaped, export.Body);
        var snapshot = await app.SnapshotAsync();

        var reimport = await ImportAsync(export.Body);
        Assert.True(reimport.Status == 200, reimport.Body);
        Assert.Equal(0, reimport.Json.GetProperty("rejected").GetInt32());
        Assert.Equal((0, 0, 4), Counts(reimport.Json, "products"));
        Assert.Equal((0, 0, 7), Counts(reimport.Json, "entitlements"));
        await app.AssertUnchangedSinceAsync(snapshot);
        Assert.Equal(export.Body, (await ExportAsync()).Body);

        var formula = await ProductNamedAsync("=HYPERLINK(x)");
        Assert.NotNull(formula);
        Assert.Equal("-Vendor", formula.Value.GetProperty("vendor").GetString());
    }

    [Fact]
    public async Task Bad_rows_are_reported_with_their_row_numbers_and_only_the_valid_rows_are_written()
    {
        var licenceRows = (await kit.RowsAsync(app.Store.Licences)).Count;
        var bad =
            FullHeader
            + "\n"
            + "Microsoft 365 E3,,,,,,,OK-1,Perpetual,5,,,,\n" // row 2: fine
            + "Unknown Product,,,,,,,X-1,Perpetual,5,,,,\n" // row 3: unknown product, no product columns
            + "AutoCAD,,,,,,,X-2,Perpetual,five,,,,\n" // row 4
            + "AutoCAD,,,,,,,X-3,Subscription,5,,2026-01-01,,\n" // row 5: no end date
            + "AutoCAD,,,,,,,X-4,Perpetual,5,1e3,,,\n" // row 6
            + "AutoCAD,,,,,,,X-5,Perpetual,5,,2026-13-01,,\n" // row 7
            + "Microsoft 365 E3,,,,,,,ok-1,Perpetual,6,,,,\n" // row 8: duplicate of row 2
            + "AutoCAD,,,,,,,X-6,Perpetual\n" // row 9: too few fields
            + "Wildcards,,PerUser,,*,,,W-1,Perpetual,1,,,,\n" // row 10: a pattern of wildcards alone (API validator)
            + "Wildcards,,PerUser,,Tool*,,,,,,,,,\n" // row 11: fine, but its product's row 10 is bad
            + "Stars,,PerUser,,a*b*c*d*e*f*g*h*i*,,,,,,,,,\n" // row 12: more than 8 '*'
            + "Metricless,,,EUR,Tool*,,,,,,,,,\n" // row 13: no metric
            + "Fine,,PerDevice,,Fine Tool*,,1.0,F-1,Perpetual,2,,,,\n" // row 14: fine (new product + entitlement)
            + "Mixed,,PerUser,EUR,Mixed*,,,,,,,,,\n" // row 15: fine alone …
            + "Mixed,,PerUser,USD,Mixed 2*,,,,,,,,,\n" // row 16: … but differs in currency
            + "Version,,PerUser,,Version*,,1.*,,,,,,,\n" // row 17: version prefix with a wildcard
            + "Lonely,,,,,,,,,,,,,\n"; // row 18: nothing to import
        var answer = await ImportAsync(bad);
        Assert.True(answer.Status == 200, answer.Body);
        Assert.Equal("application/json; charset=utf-8", answer.ContentType);
        Assert.Equal(
            [
                (3, "product"),
                (4, "seats"),
                (5, "endDate"),
                (6, "unitCost"),
                (7, "startDate"),
                (8, "reference"),
                (9, ""),
                (10, "matchName"),
                (11, "product"),
                (12, "matchName"),
                (13, "metric"),
                (15, "product"),
                (16, "currency"),
                (17, "matchVersionPrefix"),
                (18, ""),
            ],
            Rejections(answer.Json)
        );
        Assert.Equal(15, answer.Json.GetProperty("rejected").GetInt32());
        var reasons = answer
            .Json.GetProperty("rejections")
            .EnumerateArray()
            .ToDictionary(r => r.GetProperty("row").GetInt32(), r => r.GetProperty("reason").GetString()!);
        Assert.Contains("wildcards alone", reasons[10]);
        Assert.Contains("At most 8", reasons[12]);

        // Only the valid rows are written: OK-1 on Microsoft 365 E3, and the product "Fine" with its entitlement F-1.
        Assert.Equal((1, 0, 0), Counts(answer.Json, "products"));
        Assert.Equal((2, 0, 0), Counts(answer.Json, "entitlements"));
        Assert.Equal(
            ["OK-1"],
            (await ProductAsync(office))
                .GetProperty("entitlements")
                .EnumerateArray()
                .Select(e => e.GetProperty("reference").GetString())
                .ToList()
        );
        Assert.Empty((await ProductAsync(autocad)).GetProperty("entitlements").EnumerateArray());
        foreach (
            var name in new[] { "Unknown Product", "Wildcards", "Stars", "Metricless", "Mixed", "Version", "Lonely" }
        )
            Assert.Null(await ProductNamedAsync(name));
        var fine = await ProductNamedAsync("Fine");
        Assert.NotNull(fine);
        Assert.Equal(
            ["F-1"],
            fine.Value.GetProperty("entitlements")
                .EnumerateArray()
                .Select(e => e.GetProperty("reference").GetString())
                .ToList()
        );
        // product + counter + name index row of "Fine", its entitlement F-1, and OK-1
        Assert.Equal(licenceRows + 5, (await kit.RowsAsync(app.Store.Licences)).Count);

        var again = await ImportAsync(bad);
        Assert.Equal((0, 0, 1), Counts(again.Json, "products"));
        Assert.Equal((0, 0, 2), Counts(again.Json, "entitlements"));
        Assert.Equal(15, again.Json.GetProperty("rejected").GetInt32());
    }

    [Fact]
    public async Task A_repeated_rule_counts_once_and_more_than_20_rules_reject_every_row_of_the_product()
    {
        var file = new StringBuilder(FullHeader + "\n");
        file.Append("Repeat,,PerDevice,,Repeat Tool*,,,,,,,,,\n"); // row 2
        file.Append("Repeat,,PerDevice,,Repeat Tool*,,,E-1,Perpetual,4,,,,\n"); // row 3: same rule, plus an entitlement
        for (var i = 0; i <= LicenceValidation.MaxRules; i++)
            file.Append($"TooMany,,PerUser,,Tool {i}*,,,,,,,,,\n"); // rows 4–24
        var answer = await ImportAsync(file.ToString());
        Assert.True(answer.Status == 200, answer.Body);
        Assert.Equal((1, 0, 0), Counts(answer.Json, "products"));
        Assert.Equal((1, 0, 0), Counts(answer.Json, "entitlements"));
        Assert.Equal(
            Enumerable.Range(4, LicenceValidation.MaxRules + 1).Select(r => (r, "matchName")).ToList(),
            Rejections(answer.Json)
        );

        var repeat = await ProductNamedAsync("Repeat");
        Assert.NotNull(repeat);
        Assert.Single(repeat.Value.GetProperty("rules").EnumerateArray());
        Assert.Null(await ProductNamedAsync("TooMany"));
    }

    [Fact]
    public async Task Malformed_files_are_400_too_large_413_wrong_media_types_415_and_nothing_is_written()
    {
        var before = await app.SnapshotAsync();
        Assert.Equal(400, (await ImportAsync("product,reference\nX,Y\n")).Status); // incomplete entitlement columns
        // incomplete product columns
        Assert.Equal(400, (await ImportAsync("product,metric,matchName\nX,PerUser,X*\n")).Status);
        Assert.Equal(
            400,
            (await ImportAsync("reference,type,seats,unitCost,startDate,endDate,renewalDate\nX,Site,,,,,\n")).Status
        ); // no product column
        Assert.Equal(400, (await ImportAsync("product\nX\n")).Status); // neither group
        Assert.Equal(400, (await ImportAsync(Header + ",extra\n")).Status);
        Assert.Equal(400, (await ImportAsync("")).Status);
        Assert.Equal(400, (await ImportAsync(Header + "\n\"unterminated,PO,Perpetual,1,,,,\n")).Status);
        var tooMany = new StringBuilder(FullHeader + "\n");
        for (var i = 0; i <= LicenceImportService.MaxImportRows; i++)
            tooMany.Append("Many,,PerUser,,Many*,,,R-").Append(i).Append(",Perpetual,1,,,,\n");
        Assert.Equal(400, (await ImportAsync(tooMany.ToString())).Status);
        Assert.Equal(
            413,
            (await ImportAsync(FullHeader + "\n" + new string(' ', LicenceImportService.MaxImportBytes))).Status
        );
        Assert.Equal(415, (await ImportAsync(ValidFile, contentType: "application/json")).Status);
        Assert.Equal(403, (await ImportAsync(ValidFile, TestTokens.Auditor)).Status);
        Assert.Equal(403, (await ImportAsync(ValidFile, TestTokens.AdminWithoutMfa)).Status);
        await app.AssertUnchangedSinceAsync(before);
        Assert.Null(await ProductNamedAsync("Many"));
    }
}
