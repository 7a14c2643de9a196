using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Common;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.Devices;

/// <summary>An enrollment secret as stored: only its hash, its expiry and the defaults it gives enrolled
/// assets.</summary>
public sealed class EnrollmentSecretEntity : ITableEntity
{
    public string PartitionKey { get; set; } = TableKeys.EnrollmentSecretPartition;

    /// <summary>SHA-256 of the secret (hex).</summary>
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string? Label { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public bool Revoked { get; set; }
    public string? DefaultDepartment { get; set; }
    public string? DefaultCategory { get; set; }
    public string? DefaultLocation { get; set; }

    /// <summary>Whether an asset created by enrolling with this secret gets its asset tag at once.</summary>
    public bool AllocateTag { get; set; }
}

/// <summary>The mapping of a stored secret to the API's view (the contract is in EnrollmentSecretContracts.cs).
/// </summary>
public sealed partial record EnrollmentSecretView
{
    public static EnrollmentSecretView From(EnrollmentSecretEntity e) =>
        new(
            e.RowKey,
            e.Label,
            e.CreatedAt,
            e.ExpiresAt,
            e.Revoked,
            e.DefaultDepartment,
            e.DefaultCategory,
            e.DefaultLocation,
            e.AllocateTag
        );
}

/// <summary>What a valid enrollment secret grants: where it came from and the defaults of the assets it
/// creates.</summary>
public sealed record EnrollmentGrant(
    string Source,
    string? DefaultDepartment,
    string? DefaultCategory = null,
    string? DefaultLocation = null,
    bool AllocateTag = false
);

/// <summary>Checks enrollment secrets: the configured bootstrap secret, or one created through the API (stored
/// hashed).</summary>
public sealed class EnrollmentSecretStore(
    InventoryStore store,
    Events.Outbox outbox,
    Catalogue.TaxonomyService taxonomy,
    IOptions<EnrollmentOptions> options,
    TimeProvider clock
)
{
    private readonly byte[]? configuredHash = options.Value.Secret is { Length: > 0 } secret
        ? SHA256.HashData(Encoding.UTF8.GetBytes(secret))
        : null;

    public async Task<EnrollmentGrant?> VerifyAsync(string presented, CancellationToken cancellationToken)
    {
        var presentedHash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        if (configuredHash is not null && CryptographicOperations.FixedTimeEquals(presentedHash, configuredHash))
        {
            return new EnrollmentGrant("configuration", null);
        }

        var row = await store.EnrollmentSecrets.GetEntityIfExistsAsync<EnrollmentSecretEntity>(
            TableKeys.EnrollmentSecretPartition,
            Convert.ToHexStringLower(presentedHash),
            cancellationToken: cancellationToken
        );
        if (!row.HasValue || row.Value is not { } entity || entity.Revoked || entity.ExpiresAt <= clock.GetUtcNow())
        {
            return null;
        }
        return new EnrollmentGrant(
            entity.Label ?? "api",
            entity.DefaultDepartment,
            entity.DefaultCategory,
            entity.DefaultLocation,
            entity.AllocateTag
        );
    }

    /// <summary>Creates a secret and returns it in clear text: the only time it is ever seen.</summary>
    public async Task<string> CreateAsync(
        string? label,
        DateTimeOffset? expiresAt,
        string? defaultDepartment,
        CancellationToken cancellationToken
    ) =>
        (
            await CreateWithDetailsAsync(
                new CreateEnrollmentSecretRequest(label, expiresAt, defaultDepartment),
                cancellationToken
            )
        ).Secret;

    private async Task<CreatedEnrollmentSecret> CreateWithDetailsAsync(
        CreateEnrollmentSecretRequest request,
        CancellationToken cancellationToken,
        Audit.AuditActor? actor = null,
        string? correlationId = null
    )
    {
        var secret = DeviceSecrets.NewSecret();
        var entity = new EnrollmentSecretEntity
        {
            RowKey = DeviceSecrets.Hash(secret),
            Label = request.Label,
            CreatedAt = clock.GetUtcNow(),
            ExpiresAt = request.ExpiresAt,
            DefaultDepartment = Blank(request.DefaultDepartment),
            DefaultCategory = Blank(request.DefaultCategory),
            DefaultLocation = Blank(request.DefaultLocation),
            AllocateTag = request.AllocateTag,
        };
        var view = EnrollmentSecretView.From(entity);
        if (actor is null)
        {
            await store.EnrollmentSecrets.AddEntityAsync(entity, cancellationToken);
            return new CreatedEnrollmentSecret(secret, view);
        }
        // The secret and its audit record: one batch (the outbox row in the secrets' partition).
        await outbox.WriteAsync(
            store.EnrollmentSecrets,
            new TableTransactionAction(TableTransactionActionType.Add, entity),
            new Audit.AuditEvent(
                actor,
                "enrollment-secret",
                view.Id,
                "create",
                [
                    new("Label", null, view.Label),
                    new("ExpiresAt", null, view.ExpiresAt?.ToString("O")),
                    new("DefaultDepartment", null, view.DefaultDepartment),
                    new("DefaultCategory", null, view.DefaultCategory),
                    new("DefaultLocation", null, view.DefaultLocation),
                    new("AllocateTag", null, view.AllocateTag ? "true" : "false"),
                ],
                correlationId
            ),
            cancellationToken
        );
        return new CreatedEnrollmentSecret(secret, view);
    }

    /// <summary>Creates a secret for an administrator (validated, audited); the answer holds the secret, shown this
    /// once.</summary>
    public async Task<Common.Outcome<CreatedEnrollmentSecret>> CreateAsync(
        CreateEnrollmentSecretRequest request,
        Audit.AuditActor actor,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        var errors = new Dictionary<string, string[]>();
        if (!ContractFormats.IsShortText(request.Label))
            errors["label"] = ["At most 256 characters, no control characters."];
        foreach (
            var (field, value) in new[]
            {
                ("defaultDepartment", request.DefaultDepartment),
                ("defaultCategory", request.DefaultCategory),
                ("defaultLocation", request.DefaultLocation),
            }
        )
        {
            if (!ContractFormats.IsShortText(value))
                errors[field] = ["At most 256 characters, no control characters."];
        }
        if (request.ExpiresAt <= clock.GetUtcNow())
            errors["expiresAt"] = ["Must be in the future."];
        if (errors.Count > 0)
            return Common.Problem.BadRequest("The secret request is invalid; see 'errors'.", errors);
        var references = await taxonomy.CheckAsync(
            [
                ("defaultCategory", Catalogue.TaxonomyKind.Category, Blank(request.DefaultCategory)),
                ("defaultLocation", Catalogue.TaxonomyKind.Location, Blank(request.DefaultLocation)),
            ],
            cancellationToken
        );
        if (references.Count > 0)
            return Catalogue.TaxonomyService.ReferenceProblem(references);

        var created = await CreateWithDetailsAsync(request, cancellationToken, actor, correlationId);
        return created;
    }

    /// <summary>Every secret created through the API (the configured bootstrap secret is not listed).</summary>
    public async Task<IReadOnlyList<EnrollmentSecretView>> ListAsync(CancellationToken cancellationToken)
    {
        var items = new List<EnrollmentSecretView>();
        await foreach (
            var e in store.EnrollmentSecrets.QueryAsync<EnrollmentSecretEntity>(
                TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.EnrollmentSecretPartition}"),
                cancellationToken: cancellationToken
            )
        )
        {
            if (!e.RowKey.StartsWith(Events.OutboxKeys.RowPrefix, StringComparison.Ordinal))
                items.Add(EnrollmentSecretView.From(e)); // (an outbox row waits for the dispatcher)
        }
        return items.OrderBy(i => i.CreatedAt).ToList();
    }

    /// <summary>Revokes a secret by its id (audited); false when there is no such secret.</summary>
    public async Task<bool> RevokeAsync(
        string id,
        Audit.AuditActor actor,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        if (!Common.Sha256Hex.IsValid(id))
            return false;
        try
        {
            // If-Match * makes the merge fail on a missing row; the record joins the merge's batch.
            await outbox.WriteAsync(
                store.EnrollmentSecrets,
                new TableTransactionAction(
                    TableTransactionActionType.UpdateMerge,
                    new TableEntity(TableKeys.EnrollmentSecretPartition, id)
                    {
                        [nameof(EnrollmentSecretEntity.Revoked)] = true,
                    },
                    ETag.All
                ),
                new Audit.AuditEvent(
                    actor,
                    "enrollment-secret",
                    id,
                    "revoke",
                    [new("Revoked", "false", "true")],
                    correlationId
                ),
                cancellationToken
            );
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
        return true;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
