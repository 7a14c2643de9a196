using System.Collections.Concurrent;
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

/// <summary>
/// CSV import and export of licence products (with their matching rules) and entitlements, as the people and asset
/// imports: every row is checked, valid rows are applied, every row that is not applied is reported with its record
/// number and reason. A malformed file (quoting, header, too many rows) is a 400 and writes nothing.
/// <list type="bullet">
/// <item>The rows that define one product (vendor, metric, currency, one rule each) are one unit: they must agree,
/// their rules (checked by <see cref="LicenceValidation.Rules"/>, as the API) replace the product's rules, and they are
/// applied together or not at all. An unknown product is created; a known one is updated (vendor, currency, rules —
/// never its name or metric). A product without defining rows in the file is left as it is.</item>
/// <item>Each entitlement row is applied on its own, keyed by (product, reference).</item>
/// </list>
/// Everything is compared first, so importing the same file again writes nothing. Writes are conditional (ETag / add):
/// a row whose product or entitlement changed while the import ran is reported, not applied.
/// </summary>
public sealed class LicenceImportService(
    InventoryStore store,
    LicenceService licences,
    Outbox outbox,
    ILogger<LicenceImportService> logger
)
{
    public const int MaxImportBytes = 4 * 1024 * 1024;
    public const int MaxImportRows = 20_000;
    private const string DefaultCurrency = "EUR";

    /// <summary>The rows of one product in the file; <see cref="Existing"/> is null for a product the file
    /// creates.</summary>
    private sealed class ProductGroup(LicenceProductEntity? existing, string name)
    {
        public LicenceProductEntity? Existing { get; } = existing;
        public string Name { get; } = name;
        public List<LicenceCsvRow> Rows { get; } = [];

        /// <summary>The product as the file defines it (null: the file does not define it, or its rows are
        /// rejected).</summary>
        public LicenceProductEntity? Planned { get; set; }
        public List<(LicenceCsvRow Row, LicenceEntitlementEntity Entity)> Entitlements { get; } = [];
    }

    public async Task<Outcome<LicenceImportReport>> ImportAsync(
        Caller caller,
        ReadOnlyMemory<byte> csv,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        var (rows, parseRejections, error) = LicenceCsv.Parse(csv, MaxImportRows);
        if (error is not null)
            return Problem.BadRequest(error);
        var rejections = new ConcurrentBag<ImportRejection>(parseRejections);
        void Reject(LicenceCsvRow row, string field, string reason) => rejections.Add(new(row.Row, field, reason));

        // 1. Group the rows by product: an existing one (id, else exact name), else a new one by name.
        var products = await licences.AllProductsAsync(cancellationToken);
        var byId = products.ToDictionary(p => p.ProductId, StringComparer.Ordinal);
        var byName = products.ToLookup(p => p.Name, StringComparer.OrdinalIgnoreCase);
        var groups = new Dictionary<string, ProductGroup>(StringComparer.Ordinal);
        foreach (var row in rows!)
        {
            if (row.Product.Length == 0)
            {
                Reject(row, "product", "Required: a product id or name.");
                continue;
            }
            if (!row.DefinesProduct && !row.HasEntitlement)
            {
                Reject(
                    row,
                    "",
                    "The row has neither product values (metric, matchName, …) nor entitlement values (reference, "
                        + "type, …)."
                );
                continue;
            }
            var existing = byId.GetValueOrDefault(row.Product);
            if (existing is null)
            {
                var named = byName[row.Product].ToList();
                if (named.Count > 1)
                {
                    Reject(row, "product", $"Several licence products are named '{row.Product}': use the product id.");
                    continue;
                }
                existing = named.FirstOrDefault();
            }
            var key = existing?.ProductId ?? "new:" + row.Product.ToUpperInvariant();
            if (!groups.TryGetValue(key, out var group))
                groups[key] = group = new ProductGroup(existing, row.Product);
            group.Rows.Add(row);
        }

        // 2. Check each product's definition and entitlements.
        foreach (var group in groups.Values)
        {
            var defining = group.Rows.Where(r => r.DefinesProduct).ToList();
            if (defining.Count > 0)
                group.Planned = PlanProduct(group, defining, Reject);
            // A row is applied whole or not at all: a rejected product definition takes the entitlements of its rows
            // along.
            var entitlementRows = group
                .Rows.Where(r => r.HasEntitlement && (group.Planned is not null || !r.DefinesProduct))
                .ToList();
            if (group.Existing is null && group.Planned is null)
            {
                var reason =
                    defining.Count == 0
                        ? $"No licence product has the id or name '{group.Name}'; to create it, give its metric and "
                            + "matchName (product columns) in this file."
                        : "Not applied: the product is not created because its row(s) "
                            + $"{string.Join(", ", defining.Select(r => r.Row))} are rejected.";
                foreach (var row in entitlementRows)
                    Reject(row, "product", reason);
                continue;
            }
            var productId = group.Existing?.ProductId ?? group.Planned!.ProductId;
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var row in entitlementRows)
            {
                var fieldErrors = new Dictionary<string, string[]>();
                if (!LicenceCsv.TryInt(row.Seats, out var seats))
                    fieldErrors["seats"] = ["A whole number."];
                if (!LicenceCsv.TryMoney(row.UnitCost, out var cost))
                    fieldErrors["unitCost"] = ["A number with a decimal point, e.g. 12.50."];
                if (!LicenceCsv.TryDate(row.StartDate, out var start))
                    fieldErrors["startDate"] = ["A date yyyy-MM-dd."];
                if (!LicenceCsv.TryDate(row.EndDate, out var end))
                    fieldErrors["endDate"] = ["A date yyyy-MM-dd."];
                if (!LicenceCsv.TryDate(row.RenewalDate, out var renewal))
                    fieldErrors["renewalDate"] = ["A date yyyy-MM-dd."];
                var terms =
                    fieldErrors.Count == 0
                        ? LicenceValidation.Entitlement(
                            fieldErrors,
                            "",
                            row.Reference,
                            row.Type,
                            seats,
                            cost,
                            start,
                            end,
                            renewal
                        )
                        : null;
                if (terms is null)
                {
                    var (field, messages) = fieldErrors.First();
                    Reject(
                        row,
                        field,
                        string.Join(
                            " ",
                            fieldErrors.Select(e => e.Key == field ? messages[0] : $"{e.Key}: {e.Value[0]}")
                        )
                    );
                    continue;
                }
                var entity = licences.NewEntitlement(productId, row.Reference, terms, renewal);
                if (!seen.TryAdd(entity.RowKey, row.Row))
                {
                    Reject(
                        row,
                        "reference",
                        $"Duplicate: row {seen[entity.RowKey]} has the same product and reference, and is applied."
                    );
                    continue;
                }
                group.Entitlements.Add((row, entity));
            }
        }

        // 3. Apply, product by product (its definition first, then its entitlements), 8 products at a time.
        var existingEntitlements = new Dictionary<(string, string), LicenceEntitlementEntity>();
        var toLoad = groups
            .Values.Where(g => g.Existing is not null && g.Entitlements.Count > 0)
            .Select(g => g.Existing!)
            .ToList();
        foreach (var state in await licences.LoadManyAsync(toLoad, cancellationToken))
        {
            foreach (var e in state.Entitlements)
                existingEntitlements[(e.PartitionKey, e.RowKey)] = e;
        }
        var counts = new int[6]; // products created, updated, unchanged; entitlements created, updated, unchanged
        await Parallel.ForEachAsync(
            groups.Values,
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (group, ct) =>
            {
                if (group.Planned is { } planned)
                {
                    var outcome = await ApplyProductAsync(caller, group.Existing, planned, correlationId, ct);
                    if (outcome < 0)
                    {
                        // Not applied: the rows that define the product (with their entitlements), and for a new
                        // product every row.
                        var reason =
                            "The product changed while the file was imported (a concurrent import or edit?); this "
                            + "row was not applied: import the file again.";
                        foreach (var row in group.Rows.Where(r => r.DefinesProduct))
                            Reject(row, "product", reason);
                        if (group.Existing is null)
                        {
                            foreach (var (row, _) in group.Entitlements.Where(e => !e.Row.DefinesProduct))
                                Reject(row, "product", reason);
                            return;
                        }
                        group.Entitlements.RemoveAll(e => e.Row.DefinesProduct);
                    }
                    else
                        Interlocked.Increment(ref counts[outcome]);
                }
                foreach (var (row, entity) in group.Entitlements)
                {
                    var outcome = await ApplyEntitlementAsync(
                        caller,
                        existingEntitlements.GetValueOrDefault((entity.PartitionKey, entity.RowKey)),
                        entity,
                        correlationId,
                        ct
                    );
                    if (outcome < 0)
                        Reject(
                            row,
                            "reference",
                            "The entitlement changed while the file was imported (a concurrent import or edit?); "
                                + "import the file again."
                        );
                    else
                        Interlocked.Increment(ref counts[3 + outcome]);
                }
            }
        );

        var rejected = rejections.OrderBy(r => r.Row).ThenBy(r => r.Field, StringComparer.Ordinal).ToList();
        var productCounts = new LicenceImportCounts(counts[0], counts[1], counts[2]);
        var entitlementCounts = new LicenceImportCounts(counts[3], counts[4], counts[5]);
        logger.LogInformation(
            "Licence import by {Actor}: products {ProductsCreated} created, {ProductsUpdated} updated, "
                + "{ProductsUnchanged} unchanged; entitlements {Created} created, {Updated} updated, {Unchanged} "
                + "unchanged; {Rejected} row(s) rejected",
            caller.Actor,
            productCounts.Created,
            productCounts.Updated,
            productCounts.Unchanged,
            entitlementCounts.Created,
            entitlementCounts.Updated,
            entitlementCounts.Unchanged,
            rejected.Count
        );
        return new LicenceImportReport(
            productCounts.Created + entitlementCounts.Created,
            productCounts.Updated + entitlementCounts.Updated,
            productCounts.Unchanged + entitlementCounts.Unchanged,
            rejected.Count,
            rejected,
            productCounts,
            entitlementCounts
        );
    }

    /// <summary>
    /// The product as its defining rows describe it, checked with the API's validators; null after rejecting every
    /// defining row (the bad ones with their reason, the others as not applied) when any is bad.
    /// </summary>
    private LicenceProductEntity? PlanProduct(
        ProductGroup group,
        List<LicenceCsvRow> defining,
        Action<LicenceCsvRow, string, string> reject
    )
    {
        var first = defining[0];
        var bad = new Dictionary<int, (string Field, string Reason)>();
        void Bad(LicenceCsvRow row, string field, string reason) => bad.TryAdd(row.Row, (field, reason));

        foreach (var row in defining.Skip(1))
        {
            if (row.Vendor != first.Vendor)
                Bad(
                    row,
                    "vendor",
                    $"Differs from row {first.Row}: the rows of one product state the same vendor, metric and currency."
                );
            else if (row.Metric != first.Metric)
                Bad(
                    row,
                    "metric",
                    $"Differs from row {first.Row}: the rows of one product state the same vendor, metric and currency."
                );
            else if (row.Currency != first.Currency)
                Bad(
                    row,
                    "currency",
                    $"Differs from row {first.Row}: the rows of one product state the same vendor, metric and currency."
                );
        }

        var errors = new Dictionary<string, string[]>();
        if (group.Existing is null)
        {
            LicenceValidation.Name(errors, "product", group.Name, required: true);
            if (TableKeys.IsAssetId(group.Name))
                errors["product"] = ["No licence product has this id (a new product is named, not numbered)."];
        }
        LicenceValidation.ShortText(errors, "vendor", first.Vendor);
        var metricKnown = LicenceValidation.TryMetric(first.Metric, out var metric);
        if (!metricKnown)
            errors["metric"] = ["Must be PerUser or PerDevice."];
        else if (group.Existing is { } existing && existing.Metric != metric.ToString())
        {
            errors["metric"] =
            [
                $"The product is licensed {existing.Metric}: the metric of a product cannot change (its seats are "
                    + $"held by {(existing.Metric == nameof(LicenceMetric.PerUser) ? "people" : "assets")}).",
            ];
        }
        var currency = first.Currency.Length == 0 ? DefaultCurrency : first.Currency;
        LicenceValidation.Currency(errors, "currency", currency);
        foreach (var (field, messages) in errors)
            Bad(first, field, messages[0]);

        // One rule per defining row (rows repeating a rule add it once), checked as the API checks them.
        var rules = new List<LicenceRule>();
        var ruleRows = new List<LicenceCsvRow>();
        foreach (var row in defining)
        {
            var rule = new LicenceRule(
                row.MatchName,
                row.MatchPublisher.Length == 0 ? null : row.MatchPublisher,
                row.MatchVersionPrefix.Length == 0 ? null : row.MatchVersionPrefix
            );
            if (rules.Contains(rule))
                continue;
            rules.Add(rule);
            ruleRows.Add(row);
        }
        var ruleErrors = new Dictionary<string, string[]>();
        LicenceValidation.Rules(ruleErrors, "rules", rules, required: true);
        foreach (var (key, messages) in ruleErrors)
        {
            if (key == "rules")
            {
                foreach (var row in ruleRows)
                    Bad(row, "matchName", $"{messages[0]} A product has one rule per row.");
                continue;
            }
            var i = int.Parse(key.AsSpan(6, key.IndexOf(']') - 6), System.Globalization.CultureInfo.InvariantCulture);
            var field = key[(key.IndexOf(']') + 2)..] switch
            {
                "publisher" => "matchPublisher",
                "versionPrefix" => "matchVersionPrefix",
                _ => "matchName",
            };
            Bad(ruleRows[i], field, messages[0]);
        }

        if (bad.Count > 0)
        {
            foreach (var row in defining)
            {
                if (bad.TryGetValue(row.Row, out var problem))
                    reject(row, problem.Field, problem.Reason);
                else
                    reject(
                        row,
                        "product",
                        $"Not applied: the rows of a product are applied together, and row {bad.Keys.Min()} of this "
                            + "product is rejected."
                    );
            }
            return null;
        }

        var planned = licences.NewProduct(
            group.Existing?.Name ?? group.Name.Trim(),
            first.Vendor,
            metric,
            currency,
            rules
        );
        if (group.Existing is { } current)
        {
            planned.PartitionKey = current.PartitionKey;
            planned.CreatedAt = current.CreatedAt;
            planned.ETag = current.ETag;
        }
        return planned;
    }

    /// <summary>Creates or updates a product as planned: 0 created, 1 updated, 2 unchanged, -1 changed
    /// meanwhile.</summary>
    private async Task<int> ApplyProductAsync(
        Caller caller,
        LicenceProductEntity? current,
        LicenceProductEntity planned,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        var changes = ProductChanges(current, planned);
        if (current is not null && changes.Count == 0)
            return 2;
        var audit = new AuditEvent(
            caller.AuditActor,
            LicenceService.AuditEntity,
            planned.ProductId,
            current is null ? "import-create" : "import-update",
            changes,
            correlationId
        );
        try
        {
            if (current is null)
            {
                if (!await licences.InsertProductAsync(planned, outbox.Entry().Audit(audit), cancellationToken))
                    return -1;
            }
            else
                await outbox.WriteAsync(
                    store.Licences,
                    new TableTransactionAction(TableTransactionActionType.UpdateReplace, planned, current.ETag),
                    audit,
                    cancellationToken
                );
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 409 or 412)
        {
            return -1;
        }
        logger.LogInformation(
            "Licence product {ProductId} ({Name}) {Action} by import of {Actor}",
            planned.ProductId,
            planned.Name,
            current is null ? "created" : "updated",
            caller.Actor
        );
        return current is null ? 0 : 1;
    }

    private static List<FieldChange> ProductChanges(LicenceProductEntity? before, LicenceProductEntity after)
    {
        var changes = new List<FieldChange>();
        void Add(string field, string? from, string? to)
        {
            if (from != to)
                changes.Add(new FieldChange(field, from, to));
        }
        Add("Name", before?.Name, after.Name);
        Add("Vendor", before?.Vendor, after.Vendor);
        Add("Metric", before?.Metric, after.Metric);
        Add("Currency", before?.Currency, after.Currency);
        Add("Rules", before?.RulesJson, after.RulesJson);
        return changes;
    }

    /// <summary>Adds or replaces an entitlement unless its terms are the same: 0 created, 1 updated, 2 unchanged, -1
    /// changed meanwhile.</summary>
    private async Task<int> ApplyEntitlementAsync(
        Caller caller,
        LicenceEntitlementEntity? current,
        LicenceEntitlementEntity entity,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        if (current is not null && LicenceService.SameTerms(current, entity))
            return 2;
        if (current is not null)
            entity.CreatedAt = current.CreatedAt;
        try
        {
            await outbox.WriteAsync(
                store.Licences,
                current is null
                    ? new TableTransactionAction(TableTransactionActionType.Add, entity)
                    : new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, current.ETag),
                new AuditEvent(
                    caller.AuditActor,
                    LicenceService.AuditEntity,
                    entity.PartitionKey,
                    "entitlement-import",
                    LicenceService.EntitlementChanges(current, entity),
                    correlationId
                ),
                cancellationToken
            );
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 409 or 412)
        {
            return -1;
        }
        return current is null ? 0 : 1;
    }

    /// <summary>Every product with its rules and entitlements in the import format, ordered by product name.</summary>
    public async Task<byte[]> ExportAsync(CancellationToken cancellationToken)
    {
        var products = await licences.AllProductsAsync(cancellationToken);
        var states = await licences.LoadManyAsync(products, cancellationToken);
        return LicenceCsv.Write(
            states
                .OrderBy(s => s.Product.Name, StringComparer.OrdinalIgnoreCase)
                .ThenBy(s => s.Product.ProductId, StringComparer.Ordinal)
        );
    }
}
