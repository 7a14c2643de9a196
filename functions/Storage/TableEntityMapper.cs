using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using Azure.Data.Tables;

namespace ItInventory.Functions.Storage;

/// <summary>
/// Maps a <see cref="TableEntity"/> onto a typed entity. Lets one range query return rows of several shapes
/// (e.g. an asset's detail row and its software rows) and still hand typed rows to the code. Setters are compiled
/// once per type: an asset's ~800 software rows are mapped on every processed inventory.
/// </summary>
public static class TableEntityMapper
{
    private static readonly ConcurrentDictionary<Type, Dictionary<string, Setter>> Setters = new();

    private sealed record Setter(Type PropertyType, Action<object, object> Set);

    public static T To<T>(TableEntity source)
        where T : ITableEntity, new()
    {
        var target = new T
        {
            PartitionKey = source.PartitionKey,
            RowKey = source.RowKey,
            Timestamp = source.Timestamp,
            ETag = source.ETag,
        };
        var setters = Setters.GetOrAdd(typeof(T), Compile);
        foreach (var (name, value) in source)
        {
            if (value is not null && setters.TryGetValue(name, out var setter))
            {
                setter.Set(target, Convert(value, setter.PropertyType));
            }
        }
        return target;
    }

    private static Dictionary<string, Setter> Compile(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p =>
                p.CanWrite
                && p.Name
                    is not (
                        nameof(ITableEntity.PartitionKey)
                        or nameof(ITableEntity.RowKey)
                        or nameof(ITableEntity.Timestamp)
                        or nameof(ITableEntity.ETag)
                    )
            )
            .ToDictionary(
                p => p.Name,
                p =>
                {
                    var target = Expression.Parameter(typeof(object));
                    var value = Expression.Parameter(typeof(object));
                    var assign = Expression.Assign(
                        Expression.Property(Expression.Convert(target, type), p),
                        Expression.Convert(value, p.PropertyType)
                    );
                    return new Setter(
                        p.PropertyType,
                        Expression.Lambda<Action<object, object>>(assign, target, value).Compile()
                    );
                },
                StringComparer.Ordinal
            );

    private static object Convert(object value, Type propertyType)
    {
        var type = Nullable.GetUnderlyingType(propertyType) ?? propertyType;
        return value switch
        {
            _ when type.IsInstanceOfType(value) => value,
            DateTimeOffset dto when type == typeof(DateTime) => dto.UtcDateTime,
            DateTime dt when type == typeof(DateTimeOffset) => new DateTimeOffset(
                DateTime.SpecifyKind(dt, DateTimeKind.Utc)
            ),
            _ when type.IsEnum => Enum.Parse(type, value.ToString()!),
            _ => System.Convert.ChangeType(value, type, System.Globalization.CultureInfo.InvariantCulture),
        };
    }
}
