using Azure;

namespace ItInventory.Functions.Common;

/// <summary>Point reads that may find nothing (<c>GetEntityIfExistsAsync</c>): the entity or null, so the compiler
/// tracks what a <c>HasValue</c> check proved.</summary>
public static class NullableResponses
{
    public static T? OrNull<T>(this NullableResponse<T> response)
        where T : class => response.HasValue ? response.Value : null;

    public static async Task<T?> OrNull<T>(this Task<NullableResponse<T>> response)
        where T : class => (await response).OrNull();
}
