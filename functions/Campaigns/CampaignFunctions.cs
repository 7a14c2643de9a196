using ItInventory.Functions.Common;
using ItInventory.Functions.Management.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace ItInventory.Functions.Campaigns;

/// <summary>Management API: audit campaigns; and the daily timer that opens the scheduled ones.</summary>
public sealed class CampaignFunctions(
    CallerAuthenticator authenticator,
    AccessPolicy policy,
    CampaignService campaigns,
    CampaignScheduler scheduler,
    ILogger<CampaignFunctions> logger
)
{
    private const int MaxBodyBytes = 16 * 1024;

    [Function(nameof(CreateCampaign))]
    public async Task<IActionResult> CreateCampaign(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "campaigns")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthorizeAsync(request, policy.Administer).OrThrow();
        var body = await JsonBody
            .ReadObjectAsync(
                request,
                MaxBodyBytes,
                ApiJsonContext.Default.CreateCampaignRequest,
                cancellationToken
            )
            .OrThrow();

        var created = await campaigns
            .CreateAsync(caller, body, request.HttpContext.TraceIdentifier, cancellationToken)
            .OrThrow();
        request.HttpContext.Response.Headers.Location = $"/api/campaigns/{created.Id}";
        return new JsonBodyResult<CampaignView>(
            StatusCodes.Status201Created,
            created,
            ApiJsonContext.Default.CampaignView
        );
    }

    [Function(nameof(ListCampaigns))]
    public async Task<IActionResult> ListCampaigns(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "campaigns")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthenticateAsync(request).OrThrow();

        var status = request.Query.TryGetValue("status", out var s) ? s.ToString() : null;
        var list = await campaigns.ListAsync(caller, status, cancellationToken).OrThrow();
        return new JsonBodyResult<CampaignList>(
            StatusCodes.Status200OK,
            list,
            ApiJsonContext.Default.CampaignList
        );
    }

    [Function(nameof(GetCampaign))]
    public async Task<IActionResult> GetCampaign(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "campaigns/{campaignId}")] HttpRequest request,
        string campaignId,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthenticateAsync(request).OrThrow();

        var view = await campaigns.GetAsync(caller, campaignId, cancellationToken).OrThrow();
        return new JsonBodyResult<CampaignView>(
            StatusCodes.Status200OK,
            view,
            ApiJsonContext.Default.CampaignView
        );
    }

    [Function(nameof(ListCampaignAssets))]
    public async Task<IActionResult> ListCampaignAssets(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "campaigns/{campaignId}/assets")] HttpRequest request,
        string campaignId,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthenticateAsync(request).OrThrow();

        var result = request.Query.TryGetValue("result", out var r) ? r.ToString() : null;
        var page = await campaigns.ListAssetsAsync(caller, campaignId, result, cancellationToken).OrThrow();
        return new JsonBodyResult<CampaignAssetPage>(
            StatusCodes.Status200OK,
            page,
            ApiJsonContext.Default.CampaignAssetPage
        );
    }

    [Function(nameof(RecordCampaignScan))]
    public async Task<IActionResult> RecordCampaignScan(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "campaigns/{campaignId}/records")]
            HttpRequest request,
        string campaignId,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthenticateAsync(request).OrThrow();
        var body = await JsonBody
            .ReadObjectAsync(request, MaxBodyBytes, ApiJsonContext.Default.CampaignScanRequest, cancellationToken)
            .OrThrow();

        var recorded = await campaigns
            .RecordAsync(caller, campaignId, body, request.HttpContext.TraceIdentifier, cancellationToken)
            .OrThrow();
        return new JsonBodyResult<CampaignRecordView>(
            StatusCodes.Status200OK,
            recorded,
            ApiJsonContext.Default.CampaignRecordView
        );
    }

    [Function(nameof(CloseCampaign))]
    public async Task<IActionResult> CloseCampaign(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "campaigns/{campaignId}/close")] HttpRequest request,
        string campaignId,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthorizeAsync(request, policy.Administer).OrThrow();

        var closed = await campaigns
            .CloseAsync(caller, campaignId, request.HttpContext.TraceIdentifier, cancellationToken)
            .OrThrow();
        return new JsonBodyResult<CampaignView>(
            StatusCodes.Status200OK,
            closed,
            ApiJsonContext.Default.CampaignView
        );
    }

    /// <summary>Daily: opens the spot and full audits that are due (schedule <c>CAMPAIGN_SCHEDULE</c>).</summary>
    [Function(nameof(CampaignSchedule))]
    public async Task CampaignSchedule(
        [TimerTrigger("%" + AppSettingNames.CampaignSchedule + "%")] TimerInfo timer,
        CancellationToken cancellationToken
    )
    {
        var opened = await scheduler.RunAsync(cancellationToken);
        logger.LogInformation(
            "Campaign schedule opened {Count} campaign(s): {CampaignIds}",
            opened.Count,
            string.Join(", ", opened)
        );
    }
}
