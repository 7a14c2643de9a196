using System.Text.Json;
using System.Text.Json.Serialization;
using ItInventory.Functions.AgentProtocols;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Audit;
using ItInventory.Functions.Audits;
using ItInventory.Functions.Campaigns;
using ItInventory.Functions.Catalogue;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Devices;
using ItInventory.Functions.Financials;
using ItInventory.Functions.Findings;
using ItInventory.Functions.Kpis;
using ItInventory.Functions.Licences;
using ItInventory.Functions.Lifecycle;
using ItInventory.Functions.People;
using ItInventory.Functions.Reports;
using ItInventory.Functions.Reports.Snapshot;
using ItInventory.Functions.Tags;

namespace ItInventory.Functions.Common;

/// <summary>Source-generated JSON contract of the HTTP API and queue messages (camelCase, strict numbers).</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    NumberHandling = JsonNumberHandling.Strict,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = JsonCommentHandling.Disallow,
    AllowTrailingCommas = false,
    PropertyNameCaseInsensitive = false,
    MaxDepth = 16,
    // A second "deviceId" or "kind" must not silently change what a document means.
    AllowDuplicateProperties = false,
    Converters = [
        typeof(Rfc3339DateTimeOffsetConverter),
        typeof(JsonSchemaInt32Converter),
        typeof(JsonSchemaInt64Converter),
    ]
)]
[JsonSerializable(typeof(Problem))]
[JsonSerializable(typeof(AssetFinancials))]
[JsonSerializable(typeof(ExchangeRateList))]
[JsonSerializable(typeof(FinanceReport))]
[JsonSerializable(typeof(FinanceTotals))]
[JsonSerializable(typeof(ReportList))]
[JsonSerializable(typeof(GenerateReportRequest))]
[JsonSerializable(typeof(ItSnapshotReport))]
[JsonSerializable(typeof(Reports.Mail.FinanceMailStatus))]
[JsonSerializable(typeof(Reports.Mail.ResendFinanceMailRequest))]
[JsonSerializable(typeof(Reports.Audit.AuditReportRequest))]
[JsonSerializable(typeof(Reports.Audit.AuditReportView))]
[JsonSerializable(typeof(Reports.Audit.AuditReportMessage))]
[JsonSerializable(typeof(CheckinRequest))]
[JsonSerializable(typeof(CheckinResponse))]
[JsonSerializable(typeof(RotatedCredential))]
[JsonSerializable(typeof(CheckinMessage))]
[JsonSerializable(typeof(PoisonReplayResponse))]
[JsonSerializable(typeof(AssetChanges))]
[JsonSerializable(typeof(AssetHistoryPage))]
[JsonSerializable(typeof(EnrollmentRequest))]
[JsonSerializable(typeof(EnrollmentResponse))]
[JsonSerializable(typeof(RevokeDeviceRequest))]
[JsonSerializable(typeof(CreateEnrollmentSecretRequest))]
[JsonSerializable(typeof(CreatedEnrollmentSecret))]
[JsonSerializable(typeof(EnrollmentSecretList))]
[JsonSerializable(typeof(AssetView))]
[JsonSerializable(typeof(AssetPatch))]
[JsonSerializable(typeof(IReadOnlyList<FieldChange>))]
[JsonSerializable(typeof(AuditVerification))]
[JsonSerializable(typeof(AuditPage))]
[JsonSerializable(typeof(Events.OutboxPayload))]
[JsonSerializable(typeof(Events.OutboxMessage))]
[JsonSerializable(typeof(Events.AssetEventData))]
[JsonSerializable(typeof(Events.AssetStateChangedData))]
[JsonSerializable(typeof(Events.DeviceStatusData))]
[JsonSerializable(typeof(Events.FindingEventData))]
[JsonSerializable(typeof(Events.LicenceComplianceData))]
[JsonSerializable(typeof(ArchivedAuditRecord))]
[JsonSerializable(typeof(AuditSegmentManifest))]
[JsonSerializable(typeof(AuditArchiveVerification))]
[JsonSerializable(typeof(AuditArchiveRun))]
[JsonSerializable(typeof(PersonView))]
[JsonSerializable(typeof(PeoplePage))]
[JsonSerializable(typeof(ImportReport))]
[JsonSerializable(typeof(MyAssets))]
[JsonSerializable(typeof(AssetTagResponse))]
[JsonSerializable(typeof(LabelSheetRequest))]
[JsonSerializable(typeof(TaxonomyList))]
[JsonSerializable(typeof(TaxonomyEntryView))]
[JsonSerializable(typeof(TaxonomyEntryRequest))]
[JsonSerializable(typeof(CreateAssetRequest))]
[JsonSerializable(typeof(AssetPage))]
[JsonSerializable(typeof(AssetCheckOutRequest))]
[JsonSerializable(typeof(AssetCheckInRequest))]
[JsonSerializable(typeof(AssignmentView))]
[JsonSerializable(typeof(AssignmentPage))]
[JsonSerializable(typeof(IReadOnlyList<DiskData>))]
[JsonSerializable(typeof(IReadOnlyList<NetworkInterfaceData>))]
[JsonSerializable(typeof(IReadOnlyList<LocalUserData>))]
[JsonSerializable(typeof(IReadOnlyList<AssetBattery>))]
[JsonSerializable(typeof(IReadOnlyList<AssetAntivirus>))]
[JsonSerializable(typeof(IReadOnlyList<AssetFirewall>))]
[JsonSerializable(typeof(IReadOnlyList<AssetRemoteAccess>))]
[JsonSerializable(typeof(IReadOnlyList<AssetLicenceKey>))]
[JsonSerializable(typeof(IReadOnlyList<AssetPeripheral>))]
[JsonSerializable(typeof(IReadOnlyList<AssetVirtualMachine>))]
[JsonSerializable(typeof(LifecycleTransitionRequest))]
[JsonSerializable(typeof(ApproveAssetRequest))]
[JsonSerializable(typeof(RejectAssetRequest))]
[JsonSerializable(typeof(SanitisationRequest))]
[JsonSerializable(typeof(DisposalRequest))]
[JsonSerializable(typeof(DecommissioningView))]
[JsonSerializable(typeof(CertificateRecord))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(IReadOnlyList<LicenceRule>))]
[JsonSerializable(typeof(CreateLicenceProductRequest))]
[JsonSerializable(typeof(LicenceProductPatch))]
[JsonSerializable(typeof(CreateEntitlementRequest))]
[JsonSerializable(typeof(EntitlementPatch))]
[JsonSerializable(typeof(AssignSeatRequest))]
[JsonSerializable(typeof(EntitlementView))]
[JsonSerializable(typeof(LicenceProductView))]
[JsonSerializable(typeof(LicenceProductPage))]
[JsonSerializable(typeof(LicenceSeatView))]
[JsonSerializable(typeof(LicenceSeatPage))]
[JsonSerializable(typeof(LicenceComplianceView))]
[JsonSerializable(typeof(LicenceCompliancePage))]
[JsonSerializable(typeof(ComplianceRecomputeResult))]
[JsonSerializable(typeof(LicenceReclaimResult))]
[JsonSerializable(typeof(AuditRunSummary))]
[JsonSerializable(typeof(MyLicences))]
[JsonSerializable(typeof(LicenceImportReport))]
[JsonSerializable(typeof(CreateCampaignRequest))]
[JsonSerializable(typeof(CampaignScanRequest))]
[JsonSerializable(typeof(CampaignView))]
[JsonSerializable(typeof(CampaignList))]
[JsonSerializable(typeof(CampaignAssetPage))]
[JsonSerializable(typeof(CampaignRecordView))]
[JsonSerializable(typeof(List<FindingHistoryEntry>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(FindingView))]
[JsonSerializable(typeof(FindingPage))]
[JsonSerializable(typeof(AssignFindingRequest))]
[JsonSerializable(typeof(SnoozeFindingRequest))]
[JsonSerializable(typeof(ResolveFindingRequest))]
[JsonSerializable(typeof(FindingSummary))]
[JsonSerializable(typeof(ScanRunPage))]
[JsonSerializable(typeof(Dictionary<string, int>))]
[JsonSerializable(typeof(KpiLatest))]
[JsonSerializable(typeof(KpiSeries))]
[JsonSerializable(typeof(KpiBackfillRequest))]
[JsonSerializable(typeof(KpiBackfillResult))]
[JsonSerializable(typeof(KpiRunResult))]
[JsonSerializable(typeof(GlpiAgentReply))]
[JsonSerializable(typeof(AgentTokenResponse))]
public sealed partial class ApiJsonContext : JsonSerializerContext;
