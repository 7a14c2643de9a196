using System.Collections.Concurrent;
using System.Reflection;
using Azure.Data.Tables;

namespace ItInventory.Functions.Storage;

/// <summary>
/// Maps a <see cref="TableEntity"/> onto a typed entity. Lets one range query return rows of several shapes
/// (e.g. an asset's detail row and its software rows) and still hand typed rows to the code.
/// </summary>
public static class TableEntityMapper
{
    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> Properties = new();

    public static T To<T>(TableEntity source)
        where T : ITableEntity, new()
    {
        var target = new T { PartitionKey = source.PartitionKey, RowKey = source.RowKey, Timestamp = source.Timestamp, ETag = source.ETag };
        foreach (var property in Properties.GetOrAdd(typeof(T), Writable))
        {
            if (source.TryGetValue(property.Name, out var value) && value is not null)
            {
                property.SetValue(target, Convert(value, property.PropertyType));
            }
        }
        return target;
    }

    private static PropertyInfo[] Writable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.Name is not (nameof(ITableEntity.PartitionKey) or nameof(ITableEntity.RowKey) or nameof(ITableEntity.Timestamp) or nameof(ITableEntity.ETag)))
            .ToArray();

    private static object Convert(object value, Type propertyType)
    {
        var type = Nullable.GetUnderlyingType(propertyType) ?? propertyType;
        return value switch
        {
            _ when type.IsInstanceOfType(value) => value,
            DateTimeOffset dto when type == typeof(DateTime) => dto.UtcDateTime,
            DateTime dt when type == typeof(DateTimeOffset) => new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
            _ when type.IsEnum => Enum.Parse(type, value.ToString()!),
            _ => System.Convert.ChangeType(value, type, System.Globalization.CultureInfo.InvariantCulture),
        };
    }
}
