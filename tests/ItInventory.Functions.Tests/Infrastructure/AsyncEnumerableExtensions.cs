namespace ItInventory.Functions.Tests.Infrastructure;

public static class AsyncEnumerableExtensions
{
    public static async Task<List<T>> ToListAsync<T>(this IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
            list.Add(item);
        return list;
    }

    public static async Task<int> CountAsync<T>(this IAsyncEnumerable<T> source) => (await source.ToListAsync()).Count;
}
