using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.People;

public static class PeopleServiceCollectionExtensions
{
    /// <summary>The people directory.</summary>
    public static IServiceCollection AddPeople(this IServiceCollection services)
    {
        services.AddSingleton<PeopleService>();
        return services;
    }
}
