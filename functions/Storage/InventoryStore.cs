using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.Storage;

/// <summary>The app's tables, queues and containers, by role; every client shares the registered pipelines.</summary>
public sealed class InventoryStore(
    TableServiceClient tables,
    BlobServiceClient blobs,
    QueueServiceClient queues,
    IOptions<InventoryStorageOptions> options
)
{
    private readonly InventoryStorageOptions names = options.Value;

    public TableClient Assets { get; } = tables.GetTableClient(options.Value.AssetsTable);

    public TableClient Summaries { get; } = tables.GetTableClient(options.Value.AssetSummaryTable);

    public TableClient Identities { get; } = tables.GetTableClient(options.Value.IdentitiesTable);

    public TableClient EnrollmentSecrets { get; } = tables.GetTableClient(options.Value.EnrollmentSecretsTable);

    public TableClient Sightings { get; } = tables.GetTableClient(options.Value.SightingsTable);

    public TableClient AuditTrail { get; } = tables.GetTableClient(options.Value.AuditTrailTable);
    public TableClient People { get; } = tables.GetTableClient(options.Value.PeopleTable);
    public TableClient Tags { get; } = tables.GetTableClient(options.Value.TagsTable);
    public TableClient Licences { get; } = tables.GetTableClient(options.Value.LicencesTable);
    public TableClient LicenceSeats { get; } = tables.GetTableClient(options.Value.LicenceSeatsTable);
    public TableClient Taxonomy { get; } = tables.GetTableClient(options.Value.TaxonomyTable);
    public TableClient Campaigns { get; } = tables.GetTableClient(options.Value.CampaignsTable);

    public TableClient Outbox { get; } = tables.GetTableClient(options.Value.OutboxTable);

    public QueueClient OutboxQueue { get; } = queues.GetQueueClient(options.Value.OutboxQueue);

    public QueueClient EventsQueue { get; } = queues.GetQueueClient(options.Value.EventsQueue);

    /// <summary>Requested audit reports waiting for their worker (Reports/Audit).</summary>
    public QueueClient AuditReportQueue { get; } = queues.GetQueueClient(options.Value.AuditReportQueue);

    public BlobContainerClient Checkins { get; } = blobs.GetBlobContainerClient(options.Value.CheckinsContainer);

    public BlobContainerClient Certificates { get; } =
        blobs.GetBlobContainerClient(options.Value.CertificatesContainer);
    public BlobContainerClient AuditArchive { get; } =
        blobs.GetBlobContainerClient(options.Value.AuditArchiveContainer);
    public BlobContainerClient Reports { get; } = blobs.GetBlobContainerClient(options.Value.ReportsContainer);
    public TableClient ExchangeRates { get; } = tables.GetTableClient(options.Value.ExchangeRatesTable);
    public TableClient ReportIndex { get; } = tables.GetTableClient(options.Value.ReportsTable);
    public TableClient MailSends { get; } = tables.GetTableClient(options.Value.MailSendsTable);

    public QueueClient CheckinQueue { get; } = queues.GetQueueClient(options.Value.CheckinQueue);

    public QueueClient CheckinPoisonQueue { get; } = queues.GetQueueClient(options.Value.CheckinPoisonQueue);

    public async Task CreateIfNotExistsAsync(CancellationToken cancellationToken)
    {
        foreach (var table in names.Tables)
        {
            await tables.CreateTableIfNotExistsAsync(table, cancellationToken);
        }
        await Checkins.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await Certificates.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await AuditArchive.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await Reports.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await CheckinQueue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await CheckinPoisonQueue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await OutboxQueue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await EventsQueue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await AuditReportQueue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
    }
}
