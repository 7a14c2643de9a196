using System.Text.Json;
using ItInventory.Functions.Licences;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;

namespace ItInventory.Functions.Tests.Licences;

public sealed class LicenceApiTests : IAsyncLifetime
{
    private const string Ann = "20000000-0000-4000-8000-000000000001";
    private const string Bob = "20000000-0000-4000-8000-000000000002";
    private const string Gone = "20000000-0000-4000-8000-000000000003";
    private const string Nobody = "20000000-0000-4000-8000-0000000000ff";
    private const string OfficeRules = "[{\"name\":\"Microsoft Office*\",\"publisher\":\"Microsoft*\"}]";

    private TestApp app = null!;
    private LicenceTestKit kit = null!;

    public async Task InitializeAsync()
    {
        app = await TestApp.StartAsync();
        kit = new LicenceTestKit(app);
        await kit.ImportPeopleAsync((Ann, "Active"), (Bob, "Active"), (Gone, "Departed"));
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Compliance_counts_installations_from_processed_check_ins_per_device_and_per_user()
    {
        var office = ("Microsoft Office Professional Plus 2021", "Microsoft Corporation", "16.0.14332");
        var a1 = await kit.DeviceWithSoftwareAsync(office);
        var a2 = await kit.DeviceWithSoftwareAsync(("microsoft office home", "Microsoft", "16.0.1"));
        var b1 = await kit.DeviceWithSoftwareAsync(office);
        var unowned = await kit.DeviceWithSoftwareAsync(office);
        var other = await kit.DeviceWithSoftwareAsync(
            ("Microsoft Office Clone", "Contoso", "1.0"),
            ("LibreOffice", "The Document Foundation", "7.4")
        );
        var retired = await kit.DeviceWithSoftwareAsync(office);
        await kit.SetOwnerAsync(a1.DeviceId, Ann);
        await kit.SetOwnerAsync(a2.DeviceId, Ann);
        await kit.SetOwnerAsync(b1.DeviceId, Bob);
        await kit.SetOwnerAsync(other.DeviceId, Bob);
        await kit.SetAssetStateAsync(retired.DeviceId, "Retired");

        var perUser = await kit.CreateProductAsync("Office (users)", "PerUser", OfficeRules, ",\"currency\":\"EUR\"");
        var perDevice = await kit.CreateProductAsync("Office (devices)", "PerDevice", OfficeRules);
        Assert.Equal(
            201,
            (
                await kit.AddEntitlementAsync(
                    perUser,
                    "{\"reference\":\"PO-1\",\"type\":\"Perpetual\",\"seats\":5,\"unitCost\":120.50}"
                )
            ).Status
        );
        Assert.Equal(
            201,
            (
                await kit.AddEntitlementAsync(
                    perDevice,
                    "{\"reference\":\"PO-2\",\"type\":\"Perpetual\",\"seats\":2,\"unitCost\":99}"
                )
            ).Status
        );

        var recompute = await kit.RecomputeAsync();
        Assert.True(recompute.Status == 200, recompute.Body);
        Assert.Equal(2, recompute.Json.GetProperty("products").GetInt32());

        // Users: Ann (two machines), Bob, and the unowned machine = 3; the retired machine and the look-alike do not
        // count.
        var users = (await kit.ComplianceAsync(perUser)).Json;
        Assert.Equal("OverLicensed", users.GetProperty("status").GetString());
        Assert.Equal(3, users.GetProperty("installations").GetInt32());
        Assert.Equal(4, users.GetProperty("installingAssets").GetInt32());
        Assert.Equal(5, users.GetProperty("purchasedSeats").GetInt32());
        Assert.Equal(2, users.GetProperty("surplus").GetInt32());
        Assert.Equal(241.00m, users.GetProperty("surplusCost").GetDecimal());
        Assert.Equal(app.Clock.GetUtcNow(), users.GetProperty("computedAt").GetDateTimeOffset());

        var devices = (await kit.ComplianceAsync(perDevice)).Json;
        Assert.Equal("UnderLicensed", devices.GetProperty("status").GetString());
        Assert.Equal(4, devices.GetProperty("installations").GetInt32());
        Assert.Equal(2, devices.GetProperty("shortfall").GetInt32());

        // An uninstall shows up at the next scan.
        await kit.SendSoftwareAsync(unowned);
        await kit.RecomputeAsync();
        Assert.Equal(3, (await kit.ComplianceAsync(perDevice)).Json.GetProperty("installations").GetInt32());

        var all = await kit.CallAsync(
            "GET",
            "/api/licences/compliance",
            (f, r) => f.GetLicenceComplianceOverview(r, CancellationToken.None),
            query: "?status=UnderLicensed"
        );
        Assert.True(all.Status == 200, all.Body);
        Assert.Equal(
            [perDevice],
            all.Json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("productId").GetString())
        );
    }

    [Fact]
    public async Task A_product_never_scanned_is_scanned_on_demand()
    {
        await kit.DeviceWithSoftwareAsync(("Visio Professional", "Microsoft Corporation", "16.0"));
        var visio = await kit.CreateProductAsync("Visio", "PerDevice", "[{\"name\":\"visio*\"}]");
        var answer = await kit.ComplianceAsync(visio);
        Assert.True(answer.Status == 200, answer.Body);
        Assert.Equal(1, answer.Json.GetProperty("installations").GetInt32());
        Assert.Equal("UnderLicensed", answer.Json.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Seats_are_limited_to_active_entitlements_and_every_assignment_is_audited()
    {
        var product = await kit.CreateProductAsync("Acrobat", "PerUser", "[{\"name\":\"Adobe Acrobat*\"}]");
        Assert.Equal(
            201,
            (
                await kit.AddEntitlementAsync(
                    product,
                    "{\"reference\":\"SUB-OLD\",\"type\":\"Subscription\",\"seats\":10,\"startDate\":\"2025-01-01\","
                        + "\"endDate\":\"2026-10-31\"}"
                )
            ).Status
        );
        Assert.Equal(
            201,
            (
                await kit.AddEntitlementAsync(product, "{\"reference\":\"PO-7\",\"type\":\"Perpetual\",\"seats\":1}")
            ).Status
        );

        var first = await kit.AssignAsync(product, $"{{\"person\":\"{Ann.ToUpperInvariant()}\"}}");
        Assert.True(first.Status == 201, first.Body);
        Assert.Equal($"person-{Ann}", first.Json.GetProperty("seatId").GetString());
        Assert.Equal(409, (await kit.AssignAsync(product, $"{{\"person\":\"{Ann}\"}}")).Status);
        var full = await kit.AssignAsync(product, $"{{\"person\":\"{Bob}\"}}");
        Assert.Equal(409, full.Status);
        Assert.Contains("1 purchased seat", full.Body);

        var audit = await kit.AuditAsync(product);
        Assert.Equal(["create", "entitlement-add", "entitlement-add", "seat-assign"], audit.Select(a => a.Action));
        var assign = audit.Last();
        Assert.Equal(TestTokens.Admin.ObjectId, assign.Actor.Id);
        Assert.Contains(assign.Changes, c => c.Field == "Seat" && c.From == null && c.To == $"person-{Ann}");
        Assert.NotNull(assign.CorrelationId);

        var release = await kit.CallAsync("DELETE", $"/api/licences/{product}/seats/person-{Ann}", (f, r) =>
            f.ReleaseLicenceSeat(r, product, $"person-{Ann}", CancellationToken.None)
        );
        Assert.Equal(204, release.Status);
        Assert.Equal(
            404,
            (
                await kit.CallAsync("DELETE", $"/api/licences/{product}/seats/person-{Ann}", (f, r) =>
                    f.ReleaseLicenceSeat(r, product, $"person-{Ann}", CancellationToken.None)
                )
            ).Status
        );
        Assert.Equal(201, (await kit.AssignAsync(product, $"{{\"person\":\"{Bob}\"}}")).Status);
        var seats = await kit.CallAsync("GET", $"/api/licences/{product}/seats", (f, r) =>
            f.ListLicenceSeats(r, product, CancellationToken.None)
        );
        Assert.Equal(
            [$"person-{Bob}"],
            seats.Json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("seatId").GetString())
        );
        Assert.Equal("seat-release", (await kit.AuditAsync(product))[^2].Action);
    }

    [Fact]
    public async Task Concurrent_assignments_never_exceed_the_purchased_seats()
    {
        var people = Enumerable.Range(0, 10).Select(i => ($"40000000-0000-4000-8000-{i:D12}", "Active")).ToArray();
        await kit.ImportPeopleAsync(people);
        var product = await kit.CreateProductAsync("Miro", "PerUser", "[{\"name\":\"Miro*\"}]");
        await kit.AddEntitlementAsync(product, "{\"reference\":\"M\",\"type\":\"Perpetual\",\"seats\":3}");

        var answers = await Task.WhenAll(people.Select(p => kit.AssignAsync(product, $"{{\"person\":\"{p.Item1}\"}}")));
        Assert.Equal(3, answers.Count(a => a.Status == 201));
        Assert.Equal(7, answers.Count(a => a.Status == 409));
        var seats = await kit.CallAsync("GET", $"/api/licences/{product}/seats", (f, r) =>
            f.ListLicenceSeats(r, product, CancellationToken.None)
        );
        Assert.Equal(3, seats.Json.GetProperty("items").GetArrayLength());
        var view = await kit.CallAsync("GET", $"/api/licences/{product}", (f, r) =>
            f.GetLicenceProduct(r, product, CancellationToken.None)
        );
        Assert.Equal(3, view.Json.GetProperty("assignedSeats").GetInt32());
    }

    [Fact]
    public async Task Assignments_to_departed_unknown_or_wrong_kinds_of_holder_are_refused_and_write_nothing()
    {
        var perUser = await kit.CreateProductAsync("Project", "PerUser", "[{\"name\":\"Microsoft Project*\"}]");
        var perDevice = await kit.CreateProductAsync(
            "AutoCAD",
            "PerDevice",
            "[{\"name\":\"AutoCAD*\",\"versionPrefix\":\"2025\"}]"
        );
        await kit.AddEntitlementAsync(perUser, "{\"reference\":\"SITE-1\",\"type\":\"Site\"}");
        await kit.AddEntitlementAsync(perDevice, "{\"reference\":\"PO-9\",\"type\":\"Perpetual\",\"seats\":3}");
        var device = await app.EnrollNewDeviceAsync();
        var retired = await app.EnrollNewDeviceAsync();
        await kit.SetAssetStateAsync(retired.DeviceId, "Retired");
        var before = await app.SnapshotAsync();

        Assert.Equal(409, (await kit.AssignAsync(perUser, $"{{\"person\":\"{Gone}\"}}")).Status);
        Assert.Equal(422, (await kit.AssignAsync(perUser, $"{{\"person\":\"{Nobody}\"}}")).Status);
        Assert.Equal(400, (await kit.AssignAsync(perUser, "{\"person\":\"not-a-guid\"}")).Status);
        Assert.Equal(
            400,
            (await kit.AssignAsync(perUser, $"{{\"person\":\"{Ann}\",\"assetId\":\"{device.DeviceId}\"}}")).Status
        );
        Assert.Equal(400, (await kit.AssignAsync(perUser, $"{{\"assetId\":\"{device.DeviceId}\"}}")).Status);
        Assert.Equal(400, (await kit.AssignAsync(perDevice, $"{{\"person\":\"{Ann}\"}}")).Status);
        Assert.Equal(422, (await kit.AssignAsync(perDevice, $"{{\"assetId\":\"{new string('a', 32)}\"}}")).Status);
        Assert.Equal(409, (await kit.AssignAsync(perDevice, $"{{\"assetId\":\"{retired.DeviceId}\"}}")).Status);
        Assert.Equal(404, (await kit.AssignAsync(new string('b', 32), $"{{\"person\":\"{Ann}\"}}")).Status);
        Assert.Equal(404, (await kit.AssignAsync("../../x", $"{{\"person\":\"{Ann}\"}}")).Status);
        Assert.Equal(400, (await kit.AssignAsync(perUser, "{\"person\":")).Status);
        await app.AssertUnchangedSinceAsync(before);

        // A site licence has no seat limit.
        Assert.Equal(201, (await kit.AssignAsync(perUser, $"{{\"person\":\"{Ann}\"}}")).Status);
        Assert.Equal(201, (await kit.AssignAsync(perUser, $"{{\"person\":\"{Bob}\"}}")).Status);
    }

    [Fact]
    public async Task Bad_products_entitlements_filters_and_pages_are_rejected_and_write_nothing()
    {
        var product = await kit.CreateProductAsync("Photoshop", "PerUser", "[{\"name\":\"Adobe Photoshop*\"}]");
        var before = await app.SnapshotAsync();

        async Task<HttpAnswer> Create(string json) =>
            await kit.CallAsync(
                "POST",
                "/api/licences",
                (f, r) => f.CreateLicenceProduct(r, CancellationToken.None),
                json
            );
        var wildcardOnly = await Create("{\"name\":\"X\",\"metric\":\"PerUser\",\"rules\":[{\"name\":\"**\"}]}");
        Assert.Equal(400, wildcardOnly.Status);
        Assert.Equal("application/problem+json; charset=utf-8", wildcardOnly.ContentType);
        Assert.True(wildcardOnly.Json.GetProperty("errors").TryGetProperty("rules[0].name", out _), wildcardOnly.Body);
        Assert.Equal(
            400,
            (
                await Create("{\"name\":\"X\",\"metric\":\"PerUser\",\"rules\":[{\"name\":\"a*b*c*d*e*f*g*h*i*j\"}]}")
            ).Status
        );
        Assert.Equal(
            400,
            (await Create("{\"name\":\"X\",\"metric\":\"PerSeat\",\"rules\":[{\"name\":\"x\"}]}")).Status
        );
        Assert.Equal(400, (await Create("{\"name\":\"X\",\"metric\":\"PerUser\",\"rules\":[]}")).Status);
        Assert.Equal(
            400,
            (
                await Create(
                    "{\"name\":\"X\",\"metric\":\"PerUser\",\"currency\":\"euro\",\"rules\":[{\"name\":\"x\"}]}"
                )
            ).Status
        );
        Assert.Equal(
            409,
            (await Create("{\"name\":\"photoshop\",\"metric\":\"PerUser\",\"rules\":[{\"name\":\"x\"}]}")).Status
        );
        Assert.Equal(
            400,
            (
                await kit.AddEntitlementAsync(product, "{\"reference\":\"S\",\"type\":\"Subscription\",\"seats\":5}")
            ).Status
        );
        Assert.Equal(
            400,
            (
                await kit.AddEntitlementAsync(product, "{\"reference\":\"S\",\"type\":\"Perpetual\",\"seats\":\"5\"}")
            ).Status
        );
        Assert.Equal(
            404,
            (
                await kit.AddEntitlementAsync(
                    new string('c', 32),
                    "{\"reference\":\"S\",\"type\":\"Perpetual\",\"seats\":5}"
                )
            ).Status
        );

        async Task<int> List(string query) =>
            (
                await kit.CallAsync(
                    "GET",
                    "/api/licences",
                    (f, r) => f.ListLicenceProducts(r, CancellationToken.None),
                    query: query
                )
            ).Status;
        Assert.Equal(400, await List("?pageSize=501"));
        Assert.Equal(400, await List("?pageSize=0"));
        Assert.Equal(400, await List("?pageSize=abc"));
        Assert.Equal(400, await List("?metric=PerSeat' or true"));
        Assert.Equal(200, await List("?vendor=x' or RowKey ne '"));
        Assert.Equal(
            400,
            (
                await kit.CallAsync(
                    "GET",
                    "/api/licences/compliance",
                    (f, r) => f.GetLicenceComplianceOverview(r, CancellationToken.None),
                    query: "?status=Bad"
                )
            ).Status
        );
        Assert.Equal(
            404,
            (
                await kit.CallAsync("GET", "/api/licences/nope", (f, r) =>
                    f.GetLicenceProduct(r, "nope", CancellationToken.None)
                )
            ).Status
        );
        Assert.Equal(
            400,
            (
                await kit.CallAsync("DELETE", $"/api/licences/{product}/seats/x", (f, r) =>
                    f.ReleaseLicenceSeat(r, product, "x", CancellationToken.None)
                )
            ).Status
        );
        Assert.Equal(
            400,
            (
                await kit.CallAsync(
                    "POST",
                    "/api/licences/reclaim",
                    (f, r) => f.ReclaimLicenceSeats(r, CancellationToken.None),
                    query: "?dryRun=maybe"
                )
            ).Status
        );
        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task Products_page_with_continuation_tokens_and_filter_by_vendor_and_metric()
    {
        for (var i = 0; i < 5; i++)
            await kit.CreateProductAsync(
                $"Tool {i}",
                i % 2 == 0 ? "PerUser" : "PerDevice",
                "[{\"name\":\"Tool*\"}]",
                i < 3 ? ",\"vendor\":\"Acme\"" : ""
            );
        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var answer = await kit.CallAsync(
                "GET",
                "/api/licences",
                (f, r) => f.ListLicenceProducts(r, CancellationToken.None),
                query: "?pageSize=2" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token))
            );
            Assert.True(answer.Status == 200, answer.Body);
            seen.AddRange(
                answer.Json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()!)
            );
            token = answer.Json.TryGetProperty("continuationToken", out var t) ? t.GetString() : null;
            pages++;
        } while (token is not null);
        Assert.Equal(5, seen.Distinct().Count());
        Assert.True(pages >= 3);

        var acmePerUser = await kit.CallAsync(
            "GET",
            "/api/licences",
            (f, r) => f.ListLicenceProducts(r, CancellationToken.None),
            query: "?vendor=Acme&metric=PerUser"
        );
        Assert.Equal(
            ["Tool 0", "Tool 2"],
            acmePerUser
                .Json.GetProperty("items")
                .EnumerateArray()
                .Select(i => i.GetProperty("name").GetString())
                .Order()
        );
        // Tokens are bound to their listing's filters: replayed with another filter, altered or forged → 400.
        var first = await kit.CallAsync(
            "GET",
            "/api/licences",
            (f, r) => f.ListLicenceProducts(r, CancellationToken.None),
            query: "?pageSize=2"
        );
        var realToken = first.Json.GetProperty("continuationToken").GetString()!;
        foreach (
            var query in new[]
            {
                "?pageSize=2&vendor=Acme&continuationToken=" + Uri.EscapeDataString(realToken),
                "?pageSize=2&continuationToken=forged",
            }
        )
        {
            var refused = await kit.CallAsync(
                "GET",
                "/api/licences",
                (f, r) => f.ListLicenceProducts(r, CancellationToken.None),
                query: query
            );
            Assert.True(refused.Status == 400, refused.Body);
        }
    }

    [Fact]
    public async Task Updates_need_the_current_etag_and_are_audited_before_and_after()
    {
        var product = await kit.CreateProductAsync("Zoom", "PerUser", "[{\"name\":\"Zoom*\"}]");
        var read = await kit.CallAsync("GET", $"/api/licences/{product}", (f, r) =>
            f.GetLicenceProduct(r, product, CancellationToken.None)
        );
        var etag = read.Headers.ETag.ToString();
        Assert.False(string.IsNullOrEmpty(etag));

        async Task<HttpAnswer> Patch(string json, string? ifMatch) =>
            await kit.CallAsync(
                "PATCH",
                $"/api/licences/{product}",
                (f, r) => f.UpdateLicenceProduct(r, product, CancellationToken.None),
                json,
                headers: ifMatch is null ? null : new Dictionary<string, string> { ["If-Match"] = ifMatch }
            );

        Assert.Equal(428, (await Patch("{\"vendor\":\"Zoom Video\"}", null)).Status);
        var updated = await Patch(
            "{\"vendor\":\"Zoom Video\",\"rules\":[{\"name\":\"Zoom*\",\"publisher\":\"Zoom Video*\"}]}",
            etag
        );
        Assert.True(updated.Status == 200, updated.Body);
        Assert.Equal("Zoom Video", updated.Json.GetProperty("vendor").GetString());
        Assert.NotEqual(etag, updated.Headers.ETag.ToString());
        Assert.Equal(412, (await Patch("{\"vendor\":\"Other\"}", etag)).Status);
        Assert.Equal(400, (await Patch("{\"rules\":[{\"name\":\"*\"}]}", updated.Headers.ETag.ToString())).Status);

        var change = (await kit.AuditAsync(product)).Single(a => a.Action == "update");
        Assert.Contains(change.Changes, c => c.Field == "Vendor" && c.From == null && c.To == "Zoom Video");
        Assert.Contains(change.Changes, c =>
            c.Field == "Rules" && c.From!.Contains("Zoom*") && c.To!.Contains("Zoom Video*")
        );
        var current = await kit.CallAsync("GET", $"/api/licences/{product}", (f, r) =>
            f.GetLicenceProduct(r, product, CancellationToken.None)
        );
        Assert.Equal("Zoom Video", current.Json.GetProperty("vendor").GetString());
    }

    [Fact]
    public async Task Each_person_reads_only_their_own_seats_and_those_of_their_assets()
    {
        var perUser = await kit.CreateProductAsync("Slack", "PerUser", "[{\"name\":\"Slack*\"}]");
        var perDevice = await kit.CreateProductAsync("Matlab", "PerDevice", "[{\"name\":\"MATLAB*\"}]");
        await kit.AddEntitlementAsync(perUser, "{\"reference\":\"S1\",\"type\":\"Perpetual\",\"seats\":5}");
        await kit.AddEntitlementAsync(perDevice, "{\"reference\":\"M1\",\"type\":\"Perpetual\",\"seats\":5}");
        await kit.ImportPeopleAsync(
            (Ann, "Active"),
            (Bob, "Active"),
            (Gone, "Departed"),
            (TestTokens.EndUser.ObjectId, "Active")
        );
        var laptop = await app.EnrollNewDeviceAsync();
        await kit.SetOwnerAsync(laptop.DeviceId, TestTokens.EndUser.ObjectId);
        Assert.Equal(201, (await kit.AssignAsync(perUser, $"{{\"person\":\"{TestTokens.EndUser.ObjectId}\"}}")).Status);
        Assert.Equal(201, (await kit.AssignAsync(perUser, $"{{\"person\":\"{Ann}\"}}")).Status);
        Assert.Equal(201, (await kit.AssignAsync(perDevice, $"{{\"assetId\":\"{laptop.DeviceId}\"}}")).Status);

        var mine = await kit.CallAsync(
            "GET",
            "/api/me/licences",
            (f, r) => f.GetMyLicences(r, CancellationToken.None),
            persona: TestTokens.EndUser
        );
        Assert.True(mine.Status == 200, mine.Body);
        var items = mine
            .Json.GetProperty("items")
            .EnumerateArray()
            .Select(i => (i.GetProperty("productName").GetString(), i.GetProperty("assigneeKind").GetString()))
            .ToList();
        Assert.Equal([("Matlab", "asset"), ("Slack", "person")], items);

        var auditor = await kit.CallAsync(
            "GET",
            "/api/me/licences",
            (f, r) => f.GetMyLicences(r, CancellationToken.None),
            persona: TestTokens.Auditor
        );
        Assert.Empty(auditor.Json.GetProperty("items").EnumerateArray());
        Assert.Equal(
            403,
            (
                await kit.CallAsync(
                    "GET",
                    $"/api/licences/{perUser}/seats",
                    (f, r) => f.ListLicenceSeats(r, perUser, CancellationToken.None),
                    persona: TestTokens.EndUser
                )
            ).Status
        );
    }

    [Fact]
    public async Task Entitlements_change_and_go_only_with_their_current_etag()
    {
        var product = await kit.CreateProductAsync("Figma", "PerUser", "[{\"name\":\"Figma*\"}]");
        var added = await kit.AddEntitlementAsync(
            product,
            "{\"reference\":\"F-1\",\"type\":\"Perpetual\",\"seats\":2,\"unitCost\":10}"
        );
        var id = added.Json.GetProperty("entitlementId").GetString()!;
        var etag = added.Json.GetProperty("etag").GetString()!;
        Assert.Equal(etag, added.Headers.ETag.ToString());

        async Task<HttpAnswer> Patch(string json, string? ifMatch, string entitlement) =>
            await kit.CallAsync(
                "PATCH",
                $"/api/licences/{product}/entitlements/{entitlement}",
                (f, r) => f.UpdateLicenceEntitlement(r, product, entitlement, CancellationToken.None),
                json,
                headers: ifMatch is null ? null : new Dictionary<string, string> { ["If-Match"] = ifMatch }
            );
        async Task<HttpAnswer> Delete(string? ifMatch) =>
            await kit.CallAsync(
                "DELETE",
                $"/api/licences/{product}/entitlements/{id}",
                (f, r) => f.DeleteLicenceEntitlement(r, product, id, CancellationToken.None),
                headers: ifMatch is null ? null : new Dictionary<string, string> { ["If-Match"] = ifMatch }
            );

        var before = await app.SnapshotAsync();
        Assert.Equal(428, (await Patch("{\"seats\":5}", null, id)).Status);
        Assert.Equal(404, (await Patch("{\"seats\":5}", etag, new string('d', 32))).Status);
        Assert.Equal(400, (await Patch("{\"seats\":0}", etag, id)).Status);
        Assert.Equal(400, (await Patch("{\"type\":\"Subscription\"}", etag, id)).Status);
        Assert.Equal(
            412,
            (await Patch("{\"seats\":5}", "W/\"datetime'2020-01-01T00%3A00%3A00.0000000Z'\"", id)).Status
        );
        Assert.Equal(428, (await Delete(null)).Status);
        await app.AssertUnchangedSinceAsync(before);

        var changed = await Patch("{\"type\":\"Subscription\",\"seats\":5,\"endDate\":\"2027-03-31\"}", etag, id);
        Assert.True(changed.Status == 200, changed.Body);
        Assert.Equal(5, changed.Json.GetProperty("seats").GetInt32());
        Assert.Equal(10m, changed.Json.GetProperty("unitCost").GetDecimal());
        Assert.Equal(412, (await Patch("{\"seats\":6}", etag, id)).Status);
        Assert.Equal(412, (await Delete(etag)).Status);
        Assert.Equal(5, (await kit.ComplianceAsync(product)).Json.GetProperty("purchasedSeats").GetInt32());

        var site = await Patch("{\"type\":\"Site\"}", changed.Json.GetProperty("etag").GetString(), id);
        Assert.True(site.Status == 200, site.Body);
        Assert.False(site.Json.TryGetProperty("seats", out _));
        Assert.Equal(204, (await Delete(site.Json.GetProperty("etag").GetString())).Status);
        Assert.Equal(0, (await kit.ComplianceAsync(product)).Json.GetProperty("purchasedSeats").GetInt32());

        var audit = await kit.AuditAsync(product);
        Assert.Equal(
            ["create", "entitlement-add", "entitlement-update", "entitlement-update", "entitlement-delete"],
            audit.Select(a => a.Action)
        );
        Assert.Contains(audit[2].Changes, c => c.Field == "Seats" && c.From == "2" && c.To == "5");
        Assert.Contains(audit[4].Changes, c => c.Field == "Reference" && c.From == "F-1" && c.To == null);
    }

    [Fact]
    public async Task Product_view_shows_entitlements_and_assigned_seats()
    {
        var product = await kit.CreateProductAsync("Jira", "PerUser", "[{\"name\":\"Jira*\"}]");
        await kit.AddEntitlementAsync(
            product,
            "{\"reference\":\"J-2026\",\"type\":\"Subscription\",\"seats\":3,\"unitCost\":7.5,"
                + "\"startDate\":\"2026-01-01\",\"endDate\":\"2026-12-31\",\"renewalDate\":\"2026-12-01\"}"
        );
        Assert.Equal(
            409,
            (
                await kit.AddEntitlementAsync(
                    product,
                    "{\"reference\":\" j-2026 \",\"type\":\"Perpetual\",\"seats\":3}"
                )
            ).Status
        );
        await kit.AssignAsync(product, $"{{\"person\":\"{Ann}\"}}");
        var view = (
            await kit.CallAsync("GET", $"/api/licences/{product}", (f, r) =>
                f.GetLicenceProduct(r, product, CancellationToken.None)
            )
        ).Json;
        Assert.Equal(1, view.GetProperty("assignedSeats").GetInt32());
        var entitlement = view.GetProperty("entitlements")[0];
        Assert.Equal(TableKeys.LicenceEntitlementId("J-2026"), entitlement.GetProperty("entitlementId").GetString());
        Assert.Equal("2026-12-01", entitlement.GetProperty("renewalDate").GetString());
        Assert.Equal(7.5m, entitlement.GetProperty("unitCost").GetDecimal());
        Assert.True(entitlement.GetProperty("active").GetBoolean());
    }
}
