using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Audit;
using ItInventory.Functions.Common;
using ItInventory.Functions.Events;
using ItInventory.Functions.Management.Security;
using ItInventory.Functions.People;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Logging;

namespace ItInventory.Functions.Licences;

/// <summary>A product as read from its partition (everything but the seat rows: one query).</summary>
public sealed record LicenceProductState(
    LicenceProductEntity Product,
    IReadOnlyList<LicenceRule> Rules,
    IReadOnlyList<LicenceEntitlementEntity> Entitlements,
    LicenceSeatCounterEntity? Counter,
    LicenceComplianceEntity? Compliance
)
{
    public LicenceMetric Metric => Enum.Parse<LicenceMetric>(Product.Metric);

    public IEnumerable<EntitlementTerms> Terms => Entitlements.Select(LicenceService.Terms);
}

/// <summary>Licence products, their rules, entitlements and seat assignments (table <c>licences</c>, index
/// <c>licenceseats</c>).</summary>
public sealed class LicenceService(
    InventoryStore store,
    PeopleService people,
    Outbox outbox,
    LicenceNames names,
    TimeProvider clock,
    ILogger<LicenceService> logger
)
{
    public const int MaxPageSize = 500;
    public const int DefaultPageSize = 100;
    public const string AuditEntity = "licence";
    private const int MaxAttempts = 20;

    private static readonly string[] InactiveAssetStates =
    [
        nameof(LifecycleState.Retired),
        nameof(LifecycleState.Disposed),
        nameof(LifecycleState.Rejected),
    ];

    public static bool IsInactiveAssetState(string? state) =>
        state is not null && InactiveAssetStates.Contains(state, StringComparer.Ordinal);

    public DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    // ---- reads ----

    public async Task<LicenceProductState?> LoadAsync(string productId, CancellationToken cancellationToken)
    {
        if (!TableKeys.IsAssetId(productId))
            return null;
        LicenceProductEntity? product = null;
        LicenceSeatCounterEntity? counter = null;
        LicenceComplianceEntity? compliance = null;
        var entitlements = new List<LicenceEntitlementEntity>();
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {productId} and RowKey lt {TableKeys.LicenceSeatPrefix}"
        );
        await foreach (var row in store.Licences.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            switch (row.RowKey)
            {
                case TableKeys.LicenceProductRow:
                    product = TableEntityMapper.To<LicenceProductEntity>(row);
                    break;
                case TableKeys.LicenceSeatCounterRow:
                    counter = TableEntityMapper.To<LicenceSeatCounterEntity>(row);
                    break;
                case TableKeys.LicenceComplianceRow:
                    compliance = TableEntityMapper.To<LicenceComplianceEntity>(row);
                    break;
                default:
                    if (row.RowKey.StartsWith(TableKeys.LicenceEntitlementPrefix, StringComparison.Ordinal))
                    {
                        entitlements.Add(TableEntityMapper.To<LicenceEntitlementEntity>(row));
                    }
                    break;
            }
        }
        return product is null
            ? null
            : new LicenceProductState(product, ReadRules(product), entitlements, counter, compliance);
    }

    public static IReadOnlyList<LicenceRule> ReadRules(LicenceProductEntity product) =>
        JsonSerializer.Deserialize(product.RulesJson, ApiJsonContext.Default.IReadOnlyListLicenceRule) ?? [];

    public static EntitlementTerms Terms(LicenceEntitlementEntity e) =>
        new(
            Enum.Parse<EntitlementType>(e.Type),
            e.Seats,
            LicenceValidation.ParseStoredMoney(e.UnitCost),
            LicenceValidation.ParseStoredDate(e.StartDate),
            LicenceValidation.ParseStoredDate(e.EndDate)
        );

    public LicenceProductView View(LicenceProductState state) =>
        new(
            state.Product.ProductId,
            state.Product.Name,
            state.Product.Vendor,
            state.Product.Metric,
            state.Product.Currency,
            state.Rules,
            state.Product.CreatedAt,
            state.Product.UpdatedAt,
            state.Counter?.Assigned ?? 0,
            state
                .Entitlements.OrderBy(e => e.Reference, StringComparer.OrdinalIgnoreCase)
                .Select(EntitlementViewOf)
                .ToList()
        );

    private EntitlementView EntitlementViewOf(LicenceEntitlementEntity e) =>
        new(
            e.EntitlementId,
            e.Reference,
            e.Type,
            e.Seats,
            LicenceValidation.ParseStoredMoney(e.UnitCost),
            LicenceValidation.ParseStoredDate(e.StartDate),
            LicenceValidation.ParseStoredDate(e.EndDate),
            LicenceValidation.ParseStoredDate(e.RenewalDate),
            Terms(e).ActiveOn(Today),
            e.ETag.ToString()
        );

    /// <summary>Every product row (a filtered scan of one row per product).</summary>
    public async Task<List<LicenceProductEntity>> AllProductsAsync(CancellationToken cancellationToken)
    {
        var products = new List<LicenceProductEntity>();
        var filter = TableClient.CreateQueryFilter($"RowKey eq {TableKeys.LicenceProductRow}");
        var rows = store.Licences.QueryAsync<LicenceProductEntity>(filter, cancellationToken: cancellationToken);
        await foreach (var p in rows)
        {
            products.Add(p);
        }
        return products;
    }

    /// <summary>A page of product rows, filtered by vendor and/or metric.</summary>
    public async Task<Outcome<(IReadOnlyList<LicenceProductEntity> Items, string? ContinuationToken)>> ProductPageAsync(
        string? vendor,
        string? metric,
        string? continuationToken,
        int pageSize,
        CancellationToken cancellationToken
    )
    {
        if (pageSize is < 1 or > MaxPageSize)
        {
            return Problem.BadRequest($"pageSize must be between 1 and {MaxPageSize}.");
        }
        var filter = TableClient.CreateQueryFilter($"RowKey eq {TableKeys.LicenceProductRow}");
        if (vendor is not null)
        {
            if (vendor.Length > 256)
                return Problem.BadRequest("vendor: at most 256 characters.");
            filter += " and " + TableClient.CreateQueryFilter($"Vendor eq {vendor}");
        }
        if (metric is not null)
        {
            if (!LicenceValidation.TryMetric(metric, out var m))
            {
                return Problem.BadRequest("metric must be PerUser or PerDevice.");
            }
            filter += " and " + TableClient.CreateQueryFilter($"Metric eq {m.ToString()}");
        }
        return await PageAsync<LicenceProductEntity>(filter, continuationToken, pageSize, cancellationToken);
    }

    public async Task<Outcome<LicenceProductPage>> ListProductsAsync(
        string? vendor,
        string? metric,
        string? continuationToken,
        int pageSize,
        CancellationToken cancellationToken
    )
    {
        var page = await ProductPageAsync(vendor, metric, continuationToken, pageSize, cancellationToken);
        if (page.Failed)
            return page.Problem;
        var states = await LoadManyAsync(page.Value.Items, cancellationToken);
        return new LicenceProductPage(states.Select(View).ToList(), page.Value.ContinuationToken);
    }

    /// <summary>Loads the partitions of several products, 8 at a time, in the given order.</summary>
    public async Task<IReadOnlyList<LicenceProductState>> LoadManyAsync(
        IReadOnlyList<LicenceProductEntity> products,
        CancellationToken cancellationToken
    )
    {
        var states = new LicenceProductState?[products.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, products.Count), options, async (i, ct) =>
            states[i] = await LoadAsync(products[i].ProductId, ct)
        );
        return states.OfType<LicenceProductState>().ToList();
    }

    public async Task<Outcome<LicenceSeatPage>> ListSeatsAsync(
        string productId,
        string? assigneeKind,
        string? continuationToken,
        int pageSize,
        CancellationToken cancellationToken
    )
    {
        if (pageSize is < 1 or > MaxPageSize)
        {
            return Problem.BadRequest($"pageSize must be between 1 and {MaxPageSize}.");
        }
        if (assigneeKind is not null and not (SeatHolder.Person or SeatHolder.Asset))
        {
            return Problem.BadRequest("assigneeKind must be person or asset.");
        }
        if (await LoadAsync(productId, cancellationToken) is null)
        {
            return Problem.NotFound($"There is no licence product '{productId}'.");
        }
        var filter =
            TableClient.CreateQueryFilter($"PartitionKey eq {productId}")
            + " and "
            + TableClient.CreateQueryFilter($"RowKey ge {TableKeys.LicenceSeatPrefix}")
            + " and "
            + TableClient.CreateQueryFilter($"RowKey lt {TableKeys.LicenceSeatRangeEnd}");
        if (assigneeKind is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"AssigneeKind eq {assigneeKind}");
        }
        var page = await PageAsync<LicenceSeatEntity>(filter, continuationToken, pageSize, cancellationToken);
        if (page.Failed)
            return page.Problem;
        return new LicenceSeatPage(page.Value.Items.Select(SeatView).ToList(), page.Value.ContinuationToken);
    }

    public static LicenceSeatView SeatView(LicenceSeatEntity s) =>
        new(s.SeatId, s.AssigneeKind, s.AssigneeId, s.AssignedAt, s.AssignedBy);

    private async Task<Outcome<(IReadOnlyList<T> Items, string? ContinuationToken)>> PageAsync<T>(
        string filter,
        string? continuationToken,
        int pageSize,
        CancellationToken cancellationToken
    )
        where T : class, ITableEntity, new()
    {
        string? position = null;
        if (
            !string.IsNullOrEmpty(continuationToken)
            && (position = ContinuationTokens.Decode(continuationToken, "licences|" + filter)) is null
        )
        {
            return Problem.BadRequest(
                "The continuation token is not valid for this listing (altered, or from other filters)."
            );
        }
        try
        {
            var pages = store
                .Licences.QueryAsync<T>(filter, pageSize, cancellationToken: cancellationToken)
                .AsPages(position, pageSize);
            await foreach (var page in pages)
            {
                return (
                    page.Values,
                    string.IsNullOrEmpty(page.ContinuationToken)
                        ? null
                        : ContinuationTokens.Encode(page.ContinuationToken, "licences|" + filter)
                );
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 400)
        {
            return Problem.BadRequest("The continuation token is not valid.");
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            return Problem.BadRequest("The continuation token is not valid.");
        }
        return ((IReadOnlyList<T>)[], null);
    }

    /// <summary>The seats held by a person or an asset (one partition of <c>licenceseats</c>).</summary>
    public async Task<List<LicenceHolderEntity>> SeatsHeldByAsync(
        string assigneeKind,
        string assigneeId,
        CancellationToken cancellationToken
    )
    {
        var seats = new List<LicenceHolderEntity>();
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {TableKeys.LicenceHolderPartition(assigneeKind, assigneeId)}"
        );
        var rows = store.LicenceSeats.QueryAsync<LicenceHolderEntity>(filter, cancellationToken: cancellationToken);
        await foreach (var row in rows)
        {
            seats.Add(row);
        }
        return seats;
    }

    /// <summary>The seats a person holds and those held by the assets they own (<c>GET /api/me/licences</c>).</summary>
    public async Task<MyLicences> MyLicencesAsync(string objectId, CancellationToken cancellationToken)
    {
        var personId = PeopleCsv.NormaliseObjectId(objectId) ?? objectId.ToLowerInvariant();
        var items = (await SeatsHeldByAsync(SeatHolder.Person, personId, cancellationToken))
            .Select(s => new MyLicenceView(
                s.ProductId,
                s.ProductName,
                s.SeatId,
                SeatHolder.Person,
                personId,
                s.AssignedAt
            ))
            .ToList();
        foreach (var asset in (await people.AssetsOwnedByAsync(objectId, cancellationToken)).Items)
        {
            items.AddRange(
                (await SeatsHeldByAsync(SeatHolder.Asset, asset.AssetId, cancellationToken)).Select(
                    s => new MyLicenceView(
                        s.ProductId,
                        s.ProductName,
                        s.SeatId,
                        SeatHolder.Asset,
                        asset.AssetId,
                        s.AssignedAt
                    )
                )
            );
        }
        return new MyLicences(
            items
                .OrderBy(i => i.ProductName, StringComparer.OrdinalIgnoreCase)
                .ThenBy(i => i.SeatId, StringComparer.Ordinal)
                .ToList()
        );
    }

    // ---- products ----

    public async Task<Outcome<LicenceProductState>> CreateProductAsync(
        Caller caller,
        CreateLicenceProductRequest request,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        var errors = new Dictionary<string, string[]>();
        LicenceValidation.Name(errors, "name", request.Name, required: true);
        LicenceValidation.ShortText(errors, "vendor", request.Vendor);
        if (!LicenceValidation.TryMetric(request.Metric, out var metric))
        {
            errors["metric"] = ["Must be PerUser or PerDevice."];
        }
        LicenceValidation.Currency(errors, "currency", request.Currency);
        LicenceValidation.Rules(errors, "rules", request.Rules, required: true);
        if (errors.Count > 0)
            return Invalid(errors);

        var name = request.Name!.Trim();
        var products = await AllProductsAsync(cancellationToken);
        if (products.Any(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            return Problem.Conflict($"A licence product named '{name}' exists already.");
        }
        var product = NewProduct(name, request.Vendor, metric, request.Currency ?? "EUR", request.Rules!);
        var entry = outbox
            .Entry()
            .Audit(
                new AuditEvent(
                    caller.AuditActor,
                    AuditEntity,
                    product.PartitionKey,
                    "create",
                    [
                        new FieldChange("Name", null, product.Name),
                        new FieldChange("Vendor", null, product.Vendor),
                        new FieldChange("Metric", null, product.Metric),
                        new FieldChange("Currency", null, product.Currency),
                        new FieldChange("Rules", null, product.RulesJson),
                    ],
                    correlationId
                )
            );
        if (!await InsertProductAsync(product, entry, cancellationToken))
            return Problem.Conflict($"A licence product named '{name}' exists already.");
        logger.LogInformation(
            "Licence product {ProductId} ({Name}) created by {Actor}",
            product.PartitionKey,
            product.Name,
            caller.Actor
        );
        return (await LoadAsync(product.PartitionKey, cancellationToken))!;
    }

    /// <summary>A new product row (a new id), its vendor and rules normalised as the API stores them.</summary>
    public LicenceProductEntity NewProduct(
        string name,
        string? vendor,
        LicenceMetric metric,
        string currency,
        IReadOnlyList<LicenceRule> rules
    )
    {
        var now = clock.GetUtcNow();
        return new LicenceProductEntity
        {
            PartitionKey = TableKeys.NewLicenceProductId(),
            Name = name,
            Vendor = EmptyToNull(vendor?.Trim()),
            Metric = metric.ToString(),
            Currency = currency,
            RulesJson = RulesJson(rules),
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    /// <summary>Claims the product's name (<see cref="LicenceNames"/>; false: another product holds it, nothing
    /// written), then writes the product row, its seat counter and the entry's outbox row in one transaction.
    /// </summary>
    public async Task<bool> InsertProductAsync(
        LicenceProductEntity product,
        OutboxEntry entry,
        CancellationToken cancellationToken
    )
    {
        if (!await names.ClaimAsync(product.Name, product.PartitionKey, cancellationToken))
            return false;
        var counter = new LicenceSeatCounterEntity { PartitionKey = product.PartitionKey, Assigned = 0 };
        await store.Licences.SubmitTransactionAsync(
            [
                new(TableTransactionActionType.Add, product),
                new(TableTransactionActionType.Add, counter),
                await entry.StageAsync(store.Licences, product.PartitionKey, cancellationToken),
            ],
            cancellationToken
        );
        await entry.CommittedAsync(cancellationToken);
        return true;
    }

    /// <summary>The stored form of a rule list (trimmed, empty publisher/version → absent), so equal rules compare
    /// equal.</summary>
    public static string RulesJson(IReadOnlyList<LicenceRule> rules) =>
        JsonSerializer.Serialize(NormaliseRules(rules), ApiJsonContext.Default.IReadOnlyListLicenceRule);

    public async Task<Outcome<LicenceProductState>> UpdateProductAsync(
        Caller caller,
        string productId,
        string? ifMatch,
        LicenceProductPatch patch,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        var errors = new Dictionary<string, string[]>();
        LicenceValidation.Name(errors, "name", patch.Name, required: false);
        LicenceValidation.ShortText(errors, "vendor", patch.Vendor);
        LicenceValidation.Currency(errors, "currency", patch.Currency);
        LicenceValidation.Rules(errors, "rules", patch.Rules, required: false);
        if (errors.Count > 0)
            return Invalid(errors);
        if (string.IsNullOrWhiteSpace(ifMatch))
            return PreconditionRequired();

        var state = await LoadAsync(productId, cancellationToken);
        if (state is null)
            return Problem.NotFound($"There is no licence product '{productId}'.");
        var product = state.Product;
        if (new ETag(ifMatch.Trim()) != product.ETag)
            return PreconditionFailed();

        var changes = new List<FieldChange>();
        if (patch.Name is { } newName && newName.Trim() != product.Name)
        {
            var trimmed = newName.Trim();
            var products = await AllProductsAsync(cancellationToken);
            if (
                products.Any(p =>
                    p.PartitionKey != productId && string.Equals(p.Name, trimmed, StringComparison.OrdinalIgnoreCase)
                )
            )
            {
                return Problem.Conflict($"A licence product named '{trimmed}' exists already.");
            }
            changes.Add(new FieldChange("Name", product.Name, trimmed));
            product.Name = trimmed;
        }
        if (patch.Vendor is { } vendor && EmptyToNull(vendor.Trim()) != product.Vendor)
        {
            changes.Add(new FieldChange("Vendor", product.Vendor, EmptyToNull(vendor.Trim())));
            product.Vendor = EmptyToNull(vendor.Trim());
        }
        if (patch.Currency is { } currency && currency != product.Currency)
        {
            changes.Add(new FieldChange("Currency", product.Currency, currency));
            product.Currency = currency;
        }
        if (patch.Rules is { } rules)
        {
            var json = RulesJson(rules);
            if (json != product.RulesJson)
            {
                changes.Add(new FieldChange("Rules", product.RulesJson, json));
                product.RulesJson = json;
            }
        }
        if (changes.Count == 0)
            return state;
        product.UpdatedAt = clock.GetUtcNow();
        var previousName = state.Product.Name;
        var renamed = changes.Any(c => c.Field == "Name");
        if (renamed && !await names.ClaimAsync(product.Name, productId, cancellationToken))
            return Problem.Conflict($"A licence product named '{product.Name}' exists already.");
        var entry = outbox
            .Entry()
            .Audit(new AuditEvent(caller.AuditActor, AuditEntity, productId, "update", changes, correlationId));
        try
        {
            await store.Licences.SubmitTransactionAsync(
                [
                    new(TableTransactionActionType.UpdateReplace, product, product.ETag),
                    await entry.StageAsync(store.Licences, productId, cancellationToken),
                ],
                cancellationToken
            );
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            await entry.AbandonAsync(cancellationToken);
            return PreconditionFailed();
        }
        await entry.CommittedAsync(cancellationToken);
        if (renamed)
            await names.ReleaseAsync(previousName, productId, cancellationToken);
        return (await LoadAsync(productId, cancellationToken))!;
    }

    // ---- entitlements ----

    public async Task<Outcome<EntitlementView>> AddEntitlementAsync(
        Caller caller,
        string productId,
        CreateEntitlementRequest request,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        var errors = new Dictionary<string, string[]>();
        var terms = LicenceValidation.Entitlement(
            errors,
            "",
            request.Reference,
            request.Type,
            request.Seats,
            request.UnitCost,
            request.StartDate,
            request.EndDate,
            request.RenewalDate
        );
        if (terms is null)
            return Invalid(errors);
        if (await LoadAsync(productId, cancellationToken) is null)
        {
            return Problem.NotFound($"There is no licence product '{productId}'.");
        }

        var entity = NewEntitlement(productId, request.Reference!.Trim(), terms, request.RenewalDate);
        try
        {
            var response = await outbox.WriteAsync(
                store.Licences,
                new TableTransactionAction(TableTransactionActionType.Add, entity),
                new AuditEvent(
                    caller.AuditActor,
                    AuditEntity,
                    productId,
                    "entitlement-add",
                    EntitlementChanges(null, entity),
                    correlationId
                ),
                cancellationToken
            );
            entity.ETag = response.Headers.ETag ?? default;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return Problem.Conflict($"The product already has an entitlement with reference '{entity.Reference}'.");
        }
        return EntitlementViewOf(entity);
    }

    /// <summary>Changes an entitlement's terms under its ETag (<c>If-Match</c>); audited before/after.</summary>
    public async Task<Outcome<EntitlementView>> UpdateEntitlementAsync(
        Caller caller,
        string productId,
        string entitlementId,
        string? ifMatch,
        EntitlementPatch patch,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        if (string.IsNullOrWhiteSpace(ifMatch))
            return PreconditionRequired(EntitlementETagSource);
        var current = await FindEntitlementAsync(productId, entitlementId, cancellationToken);
        if (current is null)
            return NoEntitlement(productId, entitlementId);
        var type = patch.Type ?? current.Type;
        var seats = patch.Seats ?? (patch.Type == nameof(EntitlementType.Site) ? null : current.Seats);
        var errors = new Dictionary<string, string[]>();
        var renewal = patch.RenewalDate ?? LicenceValidation.ParseStoredDate(current.RenewalDate);
        var terms = LicenceValidation.Entitlement(
            errors,
            "",
            current.Reference,
            type,
            seats,
            patch.UnitCost ?? LicenceValidation.ParseStoredMoney(current.UnitCost),
            patch.StartDate ?? LicenceValidation.ParseStoredDate(current.StartDate),
            patch.EndDate ?? LicenceValidation.ParseStoredDate(current.EndDate),
            renewal
        );
        if (terms is null)
            return Invalid(errors);
        if (new ETag(ifMatch.Trim()) != current.ETag)
            return PreconditionFailed("entitlement");

        var updated = NewEntitlement(productId, current.Reference, terms, renewal);
        updated.CreatedAt = current.CreatedAt;
        if (SameTerms(current, updated))
            return EntitlementViewOf(current);
        try
        {
            var response = await outbox.WriteAsync(
                store.Licences,
                new TableTransactionAction(TableTransactionActionType.UpdateReplace, updated, current.ETag),
                new AuditEvent(
                    caller.AuditActor,
                    AuditEntity,
                    productId,
                    "entitlement-update",
                    EntitlementChanges(current, updated),
                    correlationId
                ),
                cancellationToken
            );
            updated.ETag = response.Headers.ETag ?? default;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return PreconditionFailed("entitlement");
        }
        return EntitlementViewOf(updated);
    }

    /// <summary>Removes an entitlement under its ETag; the seats it brought are gone from compliance at once
    /// (assigned seats stay: reclamation or an administrator releases them).</summary>
    public async Task<Problem?> DeleteEntitlementAsync(
        Caller caller,
        string productId,
        string entitlementId,
        string? ifMatch,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        if (string.IsNullOrWhiteSpace(ifMatch))
            return PreconditionRequired(EntitlementETagSource);
        var current = await FindEntitlementAsync(productId, entitlementId, cancellationToken);
        if (current is null)
            return NoEntitlement(productId, entitlementId);
        if (new ETag(ifMatch.Trim()) != current.ETag)
            return PreconditionFailed("entitlement");
        var changes = EntitlementChanges(null, current).Select(c => new FieldChange(c.Field, c.To, null)).ToList();
        try
        {
            await outbox.WriteAsync(
                store.Licences,
                new TableTransactionAction(TableTransactionActionType.Delete, current, current.ETag),
                new AuditEvent(caller.AuditActor, AuditEntity, productId, "entitlement-delete", changes, correlationId),
                cancellationToken
            );
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return PreconditionFailed("entitlement");
        }
        return null;
    }

    private async Task<LicenceEntitlementEntity?> FindEntitlementAsync(
        string productId,
        string entitlementId,
        CancellationToken cancellationToken
    )
    {
        if (!TableKeys.IsAssetId(productId) || !TableKeys.IsAssetId(entitlementId))
            return null;
        var row = await store.Licences.GetEntityIfExistsAsync<LicenceEntitlementEntity>(
            productId,
            TableKeys.LicenceEntitlementRow(entitlementId),
            cancellationToken: cancellationToken
        );
        return row.HasValue ? row.Value : null;
    }

    public LicenceEntitlementEntity NewEntitlement(
        string productId,
        string reference,
        EntitlementTerms terms,
        DateOnly? renewal
    )
    {
        var now = clock.GetUtcNow();
        return new LicenceEntitlementEntity
        {
            PartitionKey = productId,
            RowKey = TableKeys.LicenceEntitlementRow(TableKeys.LicenceEntitlementId(reference)),
            Reference = reference,
            Type = terms.Type.ToString(),
            Seats = terms.Seats,
            UnitCost = LicenceValidation.FormatMoney(terms.UnitCost),
            StartDate = LicenceValidation.FormatDate(terms.StartDate),
            EndDate = LicenceValidation.FormatDate(terms.EndDate),
            RenewalDate = LicenceValidation.FormatDate(renewal),
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    public static bool SameTerms(LicenceEntitlementEntity a, LicenceEntitlementEntity b) =>
        a.Reference == b.Reference
        && a.Type == b.Type
        && a.Seats == b.Seats
        && a.UnitCost == b.UnitCost
        && a.StartDate == b.StartDate
        && a.EndDate == b.EndDate
        && a.RenewalDate == b.RenewalDate;

    public static List<FieldChange> EntitlementChanges(LicenceEntitlementEntity? before, LicenceEntitlementEntity after)
    {
        var changes = new List<FieldChange> { new("Entitlement", before?.EntitlementId, after.EntitlementId) };
        void Add(string field, string? from, string? to)
        {
            if (from != to)
                changes.Add(new FieldChange(field, from, to));
        }
        Add("Reference", before?.Reference, after.Reference);
        Add("Type", before?.Type, after.Type);
        Add(
            "Seats",
            before?.Seats?.ToString(CultureInfo.InvariantCulture),
            after.Seats?.ToString(CultureInfo.InvariantCulture)
        );
        Add("UnitCost", before?.UnitCost, after.UnitCost);
        Add("StartDate", before?.StartDate, after.StartDate);
        Add("EndDate", before?.EndDate, after.EndDate);
        Add("RenewalDate", before?.RenewalDate, after.RenewalDate);
        return changes;
    }

    // ---- seats ----

    public async Task<Outcome<LicenceSeatView>> AssignSeatAsync(
        Caller caller,
        string productId,
        AssignSeatRequest request,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        if ((request.Person is null) == (request.AssetId is null))
        {
            return Problem.BadRequest("Send exactly one of 'person' (an Entra object id) and 'assetId'.");
        }
        string kind,
            assigneeId;
        if (request.Person is not null)
        {
            if (PeopleCsv.NormaliseObjectId(request.Person) is not { } objectId)
            {
                return Invalid(new() { ["person"] = ["Must be a GUID (the person's Entra object id)."] });
            }
            (kind, assigneeId) = (SeatHolder.Person, objectId);
        }
        else
        {
            if (!TableKeys.IsAssetId(request.AssetId))
            {
                return Invalid(new() { ["assetId"] = ["Must be an asset id: 32 lower-case hex digits."] });
            }
            (kind, assigneeId) = (SeatHolder.Asset, request.AssetId!);
        }

        var state = await LoadAsync(productId, cancellationToken);
        if (state is null)
            return Problem.NotFound($"There is no licence product '{productId}'.");
        if (state.Metric == LicenceMetric.PerUser && kind != SeatHolder.Person)
        {
            return Invalid(new() { ["assetId"] = ["This product is licensed per user: assign a person."] });
        }
        if (state.Metric == LicenceMetric.PerDevice && kind != SeatHolder.Asset)
        {
            return Invalid(new() { ["person"] = ["This product is licensed per device: assign an asset."] });
        }

        if (kind == SeatHolder.Person)
        {
            var person = await people.FindAsync(assigneeId, cancellationToken);
            if (person is null)
                return UnknownReference($"There is no person '{assigneeId}' in the directory.");
            if (person.Status == nameof(PersonStatus.Departed))
            {
                return Problem.Conflict($"Person '{assigneeId}' has departed: a seat cannot be assigned to them.");
            }
        }
        else
        {
            var asset = await store
                .Summaries.GetEntityIfExistsAsync<AssetSummaryEntity>(
                    TableKeys.SummaryPartition(assigneeId),
                    assigneeId,
                    cancellationToken: cancellationToken
                )
                .OrNull();
            if (asset is null)
                return UnknownReference($"There is no asset '{assigneeId}'.");
            if (IsInactiveAssetState(asset.State))
            {
                return Problem.Conflict($"Asset '{assigneeId}' is {asset.State}: a seat cannot be assigned to it.");
            }
        }

        var seatId = TableKeys.LicenceSeatId(kind, assigneeId);
        var limit = LicenceCompliance.AssignableSeats(state.Terms, Today);
        var counter = state.Counter;
        var seat = new LicenceSeatEntity
        {
            PartitionKey = productId,
            RowKey = TableKeys.LicenceSeatRow(seatId),
            AssigneeKind = kind,
            AssigneeId = assigneeId,
            AssignedAt = clock.GetUtcNow(),
            AssignedBy = caller.Actor,
        };
        var entry = outbox
            .Entry()
            .Audit(
                new AuditEvent(
                    caller.AuditActor,
                    AuditEntity,
                    productId,
                    "seat-assign",
                    [new FieldChange("Seat", null, seatId), new FieldChange("Assignee", null, $"{kind}:{assigneeId}")],
                    correlationId
                )
            );
        for (var attempt = 1; ; attempt++)
        {
            var assigned = counter?.Assigned ?? 0;
            if (limit is { } seats && assigned >= seats)
            {
                await entry.AbandonAsync(cancellationToken);
                return Problem.Conflict(
                    $"All {seats} purchased seat(s) of '{state.Product.Name}' are assigned: "
                        + "release a seat or add an entitlement."
                );
            }
            var next = new LicenceSeatCounterEntity { PartitionKey = productId, Assigned = assigned + 1 };
            try
            {
                await store.Licences.SubmitTransactionAsync(
                    [
                        new(TableTransactionActionType.Add, seat),
                        counter is null
                            ? new(TableTransactionActionType.Add, next)
                            : new(TableTransactionActionType.UpdateReplace, next, counter.ETag),
                        await entry.StageAsync(store.Licences, productId, cancellationToken),
                    ],
                    cancellationToken
                );
                break;
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 409 && ex.FailedTransactionActionIndex == 0)
            {
                await entry.AbandonAsync(cancellationToken);
                var holder = kind == SeatHolder.Person ? "Person" : "Asset";
                return Problem.Conflict(
                    $"{holder} '{assigneeId}' already holds a seat of '{state.Product.Name}' (seat '{seatId}')."
                );
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
            {
                var current = await store.Licences.GetEntityIfExistsAsync<LicenceSeatCounterEntity>(
                    productId,
                    TableKeys.LicenceSeatCounterRow,
                    cancellationToken: cancellationToken
                );
                counter = current.HasValue ? current.Value : null;
            }
        }

        await store.LicenceSeats.UpsertEntityAsync(
            new LicenceHolderEntity
            {
                PartitionKey = TableKeys.LicenceHolderPartition(kind, assigneeId),
                RowKey = productId,
                SeatId = seatId,
                ProductName = state.Product.Name,
                AssignedAt = seat.AssignedAt,
            },
            TableUpdateMode.Replace,
            cancellationToken
        );
        await entry.CommittedAsync(cancellationToken);
        logger.LogInformation(
            "Seat {SeatId} of licence product {ProductId} assigned by {Actor}",
            seatId,
            productId,
            caller.Actor
        );
        return SeatView(seat);
    }

    /// <summary>
    /// Releases a seat: deletes the seat row and decrements the counter in one batch (If-Match on both), then removes
    /// the holder index row and writes the audit record. Idempotent: a seat already gone releases nothing (false).
    /// </summary>
    public async Task<bool> ReleaseSeatAsync(
        string productId,
        string seatId,
        AuditActor actor,
        string reason,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        if (!TryParseSeatId(seatId, out var kind, out var assigneeId))
            return false;
        var entry = outbox
            .Entry()
            .Audit(
                new AuditEvent(
                    actor,
                    AuditEntity,
                    productId,
                    "seat-release",
                    [
                        new FieldChange("Seat", seatId, null),
                        new FieldChange("Assignee", $"{kind}:{assigneeId}", null),
                        new FieldChange("Reason", null, reason),
                    ],
                    correlationId
                )
            );
        for (var attempt = 1; ; attempt++)
        {
            var seat = await store
                .Licences.GetEntityIfExistsAsync<LicenceSeatEntity>(
                    productId,
                    TableKeys.LicenceSeatRow(seatId),
                    cancellationToken: cancellationToken
                )
                .OrNull();
            if (seat is null)
            {
                await entry.AbandonAsync(cancellationToken);
                await DeleteHolderRowAsync(kind, assigneeId, productId, cancellationToken);
                return false;
            }
            var counter = await store
                .Licences.GetEntityIfExistsAsync<LicenceSeatCounterEntity>(
                    productId,
                    TableKeys.LicenceSeatCounterRow,
                    cancellationToken: cancellationToken
                )
                .OrNull();
            List<TableTransactionAction> batch = [new(TableTransactionActionType.Delete, seat, seat.ETag)];
            if (counter is not null)
            {
                batch.Add(
                    new(
                        TableTransactionActionType.UpdateReplace,
                        new LicenceSeatCounterEntity
                        {
                            PartitionKey = productId,
                            Assigned = Math.Max(0, counter.Assigned - 1),
                        },
                        counter.ETag
                    )
                );
            }
            batch.Add(await entry.StageAsync(store.Licences, productId, cancellationToken));
            try
            {
                await store.Licences.SubmitTransactionAsync(batch, cancellationToken);
                break;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 404 or 409 or 412 && attempt < MaxAttempts)
            {
                logger.LogDebug("Seat {SeatId} of {ProductId} moved while releasing; retrying", seatId, productId);
            }
        }
        await DeleteHolderRowAsync(kind, assigneeId, productId, cancellationToken);
        await entry.CommittedAsync(cancellationToken);
        logger.LogInformation(
            "Seat {SeatId} of licence product {ProductId} released by {Actor}: {Reason}",
            seatId,
            productId,
            actor.Id,
            reason
        );
        return true;
    }

    private async Task DeleteHolderRowAsync(
        string kind,
        string assigneeId,
        string productId,
        CancellationToken cancellationToken
    )
    {
        try
        {
            await store.LicenceSeats.DeleteEntityAsync(
                TableKeys.LicenceHolderPartition(kind, assigneeId),
                productId,
                ETag.All,
                cancellationToken
            );
        }
        catch (RequestFailedException ex) when (ex.Status == 404) { }
    }

    public static bool TryParseSeatId(string? seatId, out string kind, out string assigneeId)
    {
        kind = assigneeId = "";
        if (seatId is null)
            return false;
        if (
            seatId.StartsWith(SeatHolder.Person + "-", StringComparison.Ordinal)
            && PeopleCsv.NormaliseObjectId(seatId[(SeatHolder.Person.Length + 1)..]) is { } oid
            && oid == seatId[(SeatHolder.Person.Length + 1)..]
        )
        {
            (kind, assigneeId) = (SeatHolder.Person, oid);
            return true;
        }
        if (
            seatId.StartsWith(SeatHolder.Asset + "-", StringComparison.Ordinal)
            && TableKeys.IsAssetId(seatId[(SeatHolder.Asset.Length + 1)..])
        )
        {
            (kind, assigneeId) = (SeatHolder.Asset, seatId[(SeatHolder.Asset.Length + 1)..]);
            return true;
        }
        return false;
    }

    // ---- helpers ----

    private static IReadOnlyList<LicenceRule> NormaliseRules(IReadOnlyList<LicenceRule> rules) =>
        rules
            .Select(r => new LicenceRule(
                r.Name.Trim(),
                EmptyToNull(r.Publisher?.Trim()),
                EmptyToNull(r.VersionPrefix?.Trim())
            ))
            .ToList();

    private static string? EmptyToNull(string? value) => string.IsNullOrEmpty(value) ? null : value;

    public static Problem Invalid(Dictionary<string, string[]> errors) =>
        Problem.BadRequest($"The request has {errors.Count} invalid field(s); see 'errors'.", errors);

    private static Problem UnknownReference(string detail) => Problem.UnknownReference(detail);

    private const string EntitlementETagSource = "the entitlement's etag from GET /api/licences/{productId}";

    private static Problem NoEntitlement(string productId, string entitlementId) =>
        Problem.NotFound($"Licence product '{productId}' has no entitlement '{entitlementId}'.");

    private static Problem PreconditionRequired(string what = "the ETag from GET /api/licences/{productId}") =>
        Problem.PreconditionRequired(what);

    private static Problem PreconditionFailed(string what = "licence product") => Problem.PreconditionFailed(what);
}
