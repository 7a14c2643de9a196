using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Audit;
using ItInventory.Functions.Common;
using ItInventory.Functions.Management.Security;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Logging;

namespace ItInventory.Functions.Licences;

/// <summary>
/// CSV import and export of entitlements. An import is all or nothing as far as validation goes: every row is checked
/// first (format, product reference, terms, duplicates) and any bad row makes the whole file a 422 listing every
/// rejected row — nothing is written. A valid file upserts by (product, reference), compared first, so importing the
/// same file again writes nothing.
/// </summary>
public sealed class LicenceImportService(InventoryStore store, LicenceService licences, AuditTrail audit, ILogger<LicenceImportService> logger)
{
    public const int MaxImportBytes = 4 * 1024 * 1024;
    public const int MaxImportRows = 20_000;

    public async Task<Outcome<LicenceImportReport>> ImportAsync(Caller caller, ReadOnlyMemory<byte> csv, string? correlationId, CancellationToken cancellationToken)
    {
        var (rows, parseRejections, error) = LicenceCsv.Parse(csv, MaxImportRows);
        if (error is not null) return Problem.BadRequest(error);

        var products = await licences.AllProductsAsync(cancellationToken);
        var byId = products.ToDictionary(p => p.ProductId, StringComparer.Ordinal);
        var byName = products.ToLookup(p => p.Name, StringComparer.OrdinalIgnoreCase);

        var errors = new Dictionary<string, string[]>();
        void Reject(int row, string field, string reason) => errors[$"rows[{row}]{(field.Length > 0 ? "." + field : "")}"] = [reason];
        foreach (var (row, field, reason) in parseRejections) Reject(row, field, reason);

        var valid = new List<(int Row, string ProductId, LicenceEntitlementEntity Entity)>();
        var seen = new Dictionary<(string, string), int>();
        foreach (var row in rows!)
        {
            LicenceProductEntity? product = byId.GetValueOrDefault(row.Product);
            if (product is null)
            {
                var named = byName[row.Product].ToList();
                if (named.Count == 1) product = named[0];
                else
                {
                    Reject(row.Row, "product", row.Product.Length == 0 ? "Required: a product id or name." : $"No licence product has the id or name '{row.Product}'.");
                    continue;
                }
            }
            var fieldErrors = new Dictionary<string, string[]>();
            if (!LicenceCsv.TryInt(row.Seats, out var seats)) fieldErrors["seats"] = ["A whole number."];
            if (!LicenceCsv.TryMoney(row.UnitCost, out var cost)) fieldErrors["unitCost"] = ["A number with a decimal point, e.g. 12.50."];
            if (!LicenceCsv.TryDate(row.StartDate, out var start)) fieldErrors["startDate"] = ["A date yyyy-MM-dd."];
            if (!LicenceCsv.TryDate(row.EndDate, out var end)) fieldErrors["endDate"] = ["A date yyyy-MM-dd."];
            if (!LicenceCsv.TryDate(row.RenewalDate, out var renewal)) fieldErrors["renewalDate"] = ["A date yyyy-MM-dd."];
            var terms = fieldErrors.Count == 0
                ? LicenceValidation.Entitlement(fieldErrors, "", row.Reference, row.Type, seats, cost, start, end, renewal)
                : null;
            if (terms is null)
            {
                foreach (var (field, messages) in fieldErrors) Reject(row.Row, field, messages[0]);
                continue;
            }
            var entity = licences.NewEntitlement(product.ProductId, row.Reference, terms, renewal);
            if (seen.TryGetValue((product.ProductId, entity.RowKey), out var first))
            {
                Reject(row.Row, "reference", $"Duplicate: row {first} has the same product and reference.");
                continue;
            }
            seen[(product.ProductId, entity.RowKey)] = row.Row;
            valid.Add((row.Row, product.ProductId, entity));
        }
        if (errors.Count > 0)
        {
            return new Problem(422, "The file has invalid rows.",
                $"{errors.Count} problem(s) in the file (keys name the record number, header = 1); nothing was imported.", "https://itinventory.dev/problems/invalid-import")
            { Errors = errors };
        }

        var existing = new Dictionary<(string, string), LicenceEntitlementEntity>();
        foreach (var state in await licences.LoadManyAsync(valid.Select(v => v.ProductId).Distinct().Select(id => byId[id]).ToList(), cancellationToken))
        {
            foreach (var e in state.Entitlements) existing[(e.PartitionKey, e.RowKey)] = e;
        }
        int created = 0, updated = 0, unchanged = 0;
        foreach (var (_, productId, entity) in valid)
        {
            if (existing.TryGetValue((productId, entity.RowKey), out var current))
            {
                if (LicenceService.SameTerms(current, entity))
                {
                    unchanged++;
                    continue;
                }
                entity.CreatedAt = current.CreatedAt;
                if (!await WriteAsync(() => store.Licences.UpdateEntityAsync(entity, current.ETag, TableUpdateMode.Replace, cancellationToken))) return ChangedMeanwhile(created, updated);
                await audit.AppendAsync(new AuditEvent(caller.AuditActor, LicenceService.AuditEntity, productId, "entitlement-import", LicenceService.EntitlementChanges(current, entity), correlationId), cancellationToken);
                updated++;
            }
            else
            {
                if (!await WriteAsync(() => store.Licences.AddEntityAsync(entity, cancellationToken))) return ChangedMeanwhile(created, updated);
                await audit.AppendAsync(new AuditEvent(caller.AuditActor, LicenceService.AuditEntity, productId, "entitlement-import", LicenceService.EntitlementChanges(null, entity), correlationId), cancellationToken);
                created++;
            }
        }
        logger.LogInformation("Licence import by {Actor}: {Created} created, {Updated} updated, {Unchanged} unchanged", caller.Actor, created, updated, unchanged);
        return new LicenceImportReport(created, updated, unchanged);
    }

    /// <summary>A write that fails because the entitlement changed (or appeared) since it was read: false.</summary>
    private static async Task<bool> WriteAsync(Func<Task> write)
    {
        try
        {
            await write();
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            return false;
        }
    }

    private static Problem ChangedMeanwhile(int created, int updated) => Problem.Conflict(
        $"An entitlement changed while the file was imported (a concurrent import or edit?); {created} created and {updated} updated before that. Import the file again: rows already applied are unchanged.");

    /// <summary>Every entitlement of every product in the import format, ordered by product name and reference.</summary>
    public async Task<byte[]> ExportAsync(CancellationToken cancellationToken)
    {
        var products = await licences.AllProductsAsync(cancellationToken);
        var states = await licences.LoadManyAsync(products, cancellationToken);
        var rows = states
            .OrderBy(s => s.Product.Name, StringComparer.OrdinalIgnoreCase)
            .SelectMany(s => s.Entitlements.OrderBy(e => e.Reference, StringComparer.OrdinalIgnoreCase).Select(e => (s.Product.Name, e)));
        return LicenceCsv.Write(rows);
    }
}
