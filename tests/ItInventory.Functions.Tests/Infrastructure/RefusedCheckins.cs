using System.Globalization;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Storage;

namespace ItInventory.Functions.Tests.Infrastructure;

/// <summary>
/// A check-in refused to a known device (revoked, or its asset in a terminal state) leaves one trace for the
/// retired-checking-in audit: the day on its summary row, stamped at most once a day. Tests that say a refused
/// check-in "changes nothing" allow exactly that.
/// </summary>
public static class RefusedCheckins
{
    /// <summary>The snapshot item a refused check-in may update: the device's summary row.</summary>
    public static string SummaryRow(TestApp app, string deviceId) =>
        StorageSnapshot.Row(app.Store.Summaries, TableKeys.SummaryPartition(deviceId), deviceId);

    /// <summary>The summary row differs from <paramref name="before"/> only by today's refusal stamp.</summary>
    public static void AssertOnlyStamped(AssetSummaryEntity before, AssetSummaryEntity after, DateTimeOffset now)
    {
        Assert.Equal(now.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), after.RefusedCheckinOn);
        var compared = typeof(AssetSummaryEntity)
            .GetProperties()
            .Where(p =>
                p.Name
                    is not (
                        nameof(AssetSummaryEntity.ETag)
                        or nameof(AssetSummaryEntity.Timestamp)
                        or nameof(AssetSummaryEntity.RefusedCheckinOn)
                    )
            );
        foreach (var property in compared)
        {
            Assert.True(Equals(property.GetValue(before), property.GetValue(after)), $"{property.Name} changed");
        }
    }
}
