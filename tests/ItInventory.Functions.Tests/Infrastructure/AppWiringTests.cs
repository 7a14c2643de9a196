using ItInventory.Functions.Common;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.Tests.Infrastructure;

/// <summary>The wiring the tests and the bench share gives every app storage of its own.</summary>
public sealed class AppWiringTests
{
    [Fact]
    public async Task Every_table_queue_and_container_of_a_test_app_has_a_name_of_its_own()
    {
        await using var app = await TestApp.StartAsync();
        await using var other = await TestApp.StartAsync();

        var mine = app.Services.GetRequiredService<IOptions<InventoryStorageOptions>>().Value;
        var theirs = other.Services.GetRequiredService<IOptions<InventoryStorageOptions>>().Value;
        var defaults = new InventoryStorageOptions();
        Assert.NotEmpty(StorageNames.All);
        foreach (var name in StorageNames.All)
        {
            Assert.NotEqual(name.ValueIn(defaults), name.ValueIn(mine));
            Assert.NotEqual(name.ValueIn(theirs), name.ValueIn(mine));
        }
        var configuration = app.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>();
        Assert.Equal(mine.CheckinQueue, configuration[AppSettingNames.CheckinQueue]);
    }

    [Fact]
    public void The_tables_the_app_creates_are_every_table_the_options_name()
    {
        var options = new InventoryStorageOptions();

        var tables = StorageNames.All.Where(n => n.Kind == StorageKind.Table).Select(n => n.ValueIn(options));

        Assert.Equal(tables.Order(), options.Tables.Order());
    }
}
