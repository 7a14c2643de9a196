using System.Text;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Devices;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Catalogue;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Lifecycle;
using ItInventory.Functions.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Tests.AssetWrites;

/// <summary>One way to build a summary row from a detail row (<see cref="AssetSummaries"/>): pure rules, and the two
/// paths that write a new asset (API create, enrollment) agreeing on it against Azurite.</summary>
public sealed class AssetSummariesTests : IAsyncLifetime
{
    private TestApp app = null!;

    public async Task InitializeAsync()
    {
        app = await TestApp.StartAsync();
        await CatalogueKit.SeedAsync(app);
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private static AssetDetailEntity Laptop(string state = "InStock", string? name = null) =>
        new()
        {
            PartitionKey = "0123456789abcdef0123456789abcdef",
            Kind = "Hardware",
            Type = "Laptop",
            State = state,
            Name = name,
            Hostname = "pc-0042",
            Category = "laptops",
            Owner = CatalogueKit.Alice,
            Department = "Finance",
            Location = "hq",
            Criticality = "High",
            Tag = "ITI-000042",
        };

    private static Dictionary<string, object?> Mirrored(AssetSummaryEntity summary) =>
        AssetSummaries.MirroredFields.ToDictionary(
            f => f,
            f => typeof(AssetSummaryEntity).GetProperty(f)!.GetValue(summary)
        );

    [Fact]
    public void A_summary_row_mirrors_the_detail_row_and_only_enrollment_adds_the_credential()
    {
        var detail = Laptop();
        var facts = new EnrollmentFacts("hash", new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero), "1.0.0");

        var created = AssetSummaries.FromDetail(detail);
        var enrolled = AssetSummaries.FromDetail(detail, facts);

        Assert.Equal(("01", detail.PartitionKey), (created.PartitionKey, created.RowKey));
        Assert.Equal(
            ("Hardware", "Laptop", "InStock", "pc-0042", "laptops"),
            (created.Kind, created.Type, created.State, created.Name, created.Category)
        );
        Assert.Equal(
            (CatalogueKit.Alice, "Finance", "hq", "High", "ITI-000042"),
            (created.Owner, created.Department, created.Location, created.Criticality, created.Tag)
        );
        Assert.Equal(Mirrored(created), Mirrored(enrolled));
        Assert.Null(created.CredentialHash);
        Assert.Equal(
            ("hash", facts.At, facts.At, facts.At, "1.0.0"),
            (
                enrolled.CredentialHash,
                enrolled.CredentialIssuedAt,
                enrolled.EnrolledAt,
                enrolled.LastSeenAt,
                enrolled.AgentVersion
            )
        );
    }

    [Theory]
    [InlineData("Discovered", true)]
    [InlineData("InStock", false)]
    [InlineData("Rejected", false)]
    public void Only_a_discovered_asset_awaits_review(string state, bool needsReview) =>
        Assert.Equal(needsReview, AssetSummaries.FromDetail(Laptop(state)).NeedsReview);

    [Fact]
    public void A_named_asset_is_shown_by_its_name_a_device_by_its_hostname()
    {
        Assert.Equal("Dock", AssetSummaries.FromDetail(Laptop(name: "Dock")).Name);
        Assert.Equal("pc-0042", AssetSummaries.FromDetail(Laptop(name: "")).Name);
    }

    [Fact]
    public void The_mirror_of_a_change_holds_only_the_summary_fields_it_moves()
    {
        var detail = Laptop("Discovered");

        var approved = AssetSummaries.MirrorOf(detail, new Dictionary<string, object?> { ["State"] = "InStock" })!;
        var cleared = AssetSummaries.MirrorOf(detail, new Dictionary<string, object?> { ["Owner"] = "" })!;
        var renamed = AssetSummaries.MirrorOf(detail, new Dictionary<string, object?> { ["Hostname"] = "pc-0043" })!;

        Assert.Equal(["NeedsReview", "PartitionKey", "RowKey", "State"], approved.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("InStock", approved["State"]);
        Assert.False((bool)approved["NeedsReview"]);
        Assert.Equal(("01", detail.PartitionKey), (approved.PartitionKey, approved.RowKey));
        Assert.Equal("", cleared["Owner"]);
        Assert.Equal("pc-0043", renamed["Name"]);
        Assert.Null(AssetSummaries.MirrorOf(detail, new Dictionary<string, object?>()));
        Assert.Null(
            AssetSummaries.MirrorOf(
                detail,
                new Dictionary<string, object?> { ["State"] = "Discovered", ["ItStakeholder"] = "x" }
            )
        );
    }

    [Fact]
    public async Task Create_and_enrollment_write_the_same_summary_fields_for_the_same_asset_facts()
    {
        // A laptop registered through the API (name pc-0042) …
        var created = await CatalogueKit.CreateAsync(
            app,
            """
            {"name":"pc-0042","type":"laptop","category":"laptops","department":"Finance","location":"hq",
             "state":"InStock"}
            """
        );
        Assert.True(created.Status == 201, created.Body);
        var createdId = created.Json.GetProperty("id").GetString()!;

        // … and one that enrolled itself (hostname pc-0042) with a secret giving the same classification, then
        // approved.
        var secret = await app
            .Services.GetRequiredService<EnrollmentSecretStore>()
            .CreateAsync(
                new CreateEnrollmentSecretRequest("finance laptops", null, "Finance", "laptops", "hq"),
                Functions.Audit.AuditActor.System("test"),
                null,
                CancellationToken.None
            );
        Assert.False(secret.Failed);
        var enrolled = await app.EnrollAsync(
            SamplePayloads.Enrollment(
                "PF0SUMMARY1",
                macs: ["3C:52:84:00:00:01"],
                hostname: "pc-0042",
                secret: secret.Value.Secret
            )
        );
        Assert.True(enrolled.Status == 201, enrolled.Body);
        var enrolledId = enrolled.Json.GetProperty("deviceId").GetString()!;

        // Each path wrote the summary row its detail row derives (enrollment adding only what it alone knows).
        var (createdDetail, createdSummary) = await RowsAsync(createdId);
        var (enrolledDetail, enrolledSummary) = await RowsAsync(enrolledId);
        Assert.Equal(Mirrored(AssetSummaries.FromDetail(createdDetail)), Mirrored(createdSummary));
        Assert.Equal(Mirrored(AssetSummaries.FromDetail(enrolledDetail)), Mirrored(enrolledSummary));
        Assert.NotNull(enrolledSummary.CredentialHash);
        Assert.True(enrolledSummary.NeedsReview);

        // Once the discovered device is approved into stock, both summaries say the same.
        var client = new LifecycleClient(app);
        Assert.Equal(200, (await client.ApproveAsync(enrolledId, "{}", await client.ETagAsync(enrolledId))).Status);
        (_, enrolledSummary) = await RowsAsync(enrolledId);
        Assert.Equal(Mirrored(createdSummary), Mirrored(enrolledSummary));
    }

    private async Task<(AssetDetailEntity Detail, AssetSummaryEntity Summary)> RowsAsync(string assetId) =>
        (
            (await app.Store.Assets.GetEntityAsync<AssetDetailEntity>(assetId, TableKeys.AssetDetailRow)).Value,
            (
                await app.Store.Summaries.GetEntityAsync<AssetSummaryEntity>(
                    TableKeys.SummaryPartition(assetId),
                    assetId
                )
            ).Value
        );
}
