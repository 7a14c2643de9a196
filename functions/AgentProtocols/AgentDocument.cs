using System.Text;
using System.Text.Json;
using System.Xml;

namespace ItInventory.Functions.AgentProtocols;

/// <summary>
/// One inventory document of an existing agent, as a format-neutral tree: the GLPI Agent's JSON (inventory_format)
/// and the FusionInventory/OCS XML name their sections alike (<c>softwares</c> / <c>SOFTWARES</c>), so both load into
/// this tree (keys compared ignoring case) and one mapper reads either.
/// </summary>
public sealed class AgentNode
{
    private static readonly IReadOnlyList<AgentNode> None = [];

    // A flat list of (key, child): a node has few keys, so a linear scan beats a dictionary per node (an inventory has
    // thousands of nodes). Keys keep the document's spelling and are compared ignoring case.
    private List<(string Key, AgentNode Node)>? children;

    /// <summary>The scalar value of a leaf (strings, numbers and booleans as text); null for an object.</summary>
    public string? Text { get; private set; }

    /// <summary>Every child with this key (a repeated XML element or a JSON array).</summary>
    public IReadOnlyList<AgentNode> All(string key)
    {
        if (children is null)
            return None;
        List<AgentNode>? all = null;
        foreach (var (k, node) in children)
        {
            if (k.Equals(key, StringComparison.OrdinalIgnoreCase))
                (all ??= []).Add(node);
        }
        return all ?? None;
    }

    /// <summary>The first child with this key, or null.</summary>
    public AgentNode? One(string key)
    {
        if (children is null)
            return null;
        foreach (var (k, node) in children)
        {
            if (k.Equals(key, StringComparison.OrdinalIgnoreCase))
                return node;
        }
        return null;
    }

    /// <summary>The trimmed text of the first child with this key, or null when it has none.</summary>
    public string? Value(string key) => One(key)?.Text is { } text && text.Trim() is { Length: > 0 } t ? t : null;

    /// <summary>The trimmed text of the first of these keys that has some; null when none has.</summary>
    public string? Value(string key, string otherKey) => Value(key) ?? Value(otherKey);

    public bool Has(string key) => One(key) is not null;

    private bool HasChildren => children is { Count: > 0 };

    private void Add(string key, AgentNode child) => (children ??= []).Add((key, child));

    /// <summary>Loads a JSON value (see <see cref="FromJson(ReadOnlySpan{byte}, int)"/>).</summary>
    public static AgentNode FromJson(JsonElement element) => FromJson(Encoding.UTF8.GetBytes(element.GetRawText()), 64);

    /// <summary>
    /// Loads a JSON document straight from its UTF-8 bytes in one pass (no intermediate document): objects become
    /// nodes, arrays repeated children of their key (an array inside an array is an empty node), scalars text
    /// (numbers as written, booleans as 1/0, null as no text). Keys repeat across thousands of entries (NAME,
    /// VERSION…), so each distinct key is allocated once per document. Throws <see cref="JsonException"/> for
    /// malformed JSON, trailing content or nesting deeper than <paramref name="maxDepth"/>.
    /// </summary>
    public static AgentNode FromJson(ReadOnlySpan<byte> utf8, int maxDepth)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = maxDepth });
        if (!reader.Read())
            throw new JsonException("The document is empty.");
        var node = ReadJsonValue(ref reader, new KeyTable());
        if (reader.Read())
            throw new JsonException("Content follows the JSON value.");
        return node;
    }

    private static AgentNode ReadJsonValue(ref Utf8JsonReader reader, KeyTable keys)
    {
        var node = new AgentNode();
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var key = keys.Get(ref reader);
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        node.Add(key, ReadJsonValue(ref reader, keys));
                        continue;
                    }
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (reader.TokenType == JsonTokenType.StartArray)
                        {
                            reader.Skip();
                            node.Add(key, new AgentNode());
                        }
                        else
                        {
                            node.Add(key, ReadJsonValue(ref reader, keys));
                        }
                    }
                }
                break;
            case JsonTokenType.StartArray:
                reader.Skip();
                break;
            case JsonTokenType.String:
                node.Text = reader.GetString();
                break;
            case JsonTokenType.Number:
                node.Text = Encoding.UTF8.GetString(reader.ValueSpan);
                break;
            case JsonTokenType.True:
                node.Text = "1";
                break;
            case JsonTokenType.False:
                node.Text = "0";
                break;
        }
        return node;
    }

    /// <summary>One string per distinct property name of a document.</summary>
    private sealed class KeyTable
    {
        private const int MaxPooledLength = 128;
        private readonly Dictionary<string, string> keys = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> lookup;

        public KeyTable() => lookup = keys.GetAlternateLookup<ReadOnlySpan<char>>();

        public string Get(ref Utf8JsonReader reader)
        {
            if (reader.HasValueSequence || reader.ValueSpan.Length > MaxPooledLength)
                return reader.GetString()!;
            Span<char> buffer = stackalloc char[MaxPooledLength];
            var name = buffer[..reader.CopyString(buffer)];
            if (lookup.TryGetValue(name, out var key))
                return key;
            key = name.ToString();
            keys[key] = key;
            return key;
        }
    }

    /// <summary>
    /// Loads an XML document safely: any DOCTYPE is refused (no entity expansion, no external resolution), the size
    /// is capped, and the encoding is the document's own (the OCS agent on some systems declares ISO-8859-1).
    /// Attributes are ignored (neither agent uses them).
    /// </summary>
    public static AgentNode FromXml(ReadOnlyMemory<byte> xml, long maxCharacters)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = maxCharacters,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            IgnoreWhitespace = true,
            CloseInput = true,
        };
        using var stream = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(xml, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(xml.ToArray(), writable: false);
        using var reader = XmlReader.Create(stream, settings);
        reader.MoveToContent();
        var root = new AgentNode();
        var stack = new Stack<AgentNode>();
        var top = new AgentNode();
        root.Add(reader.Name, top);
        if (reader.IsEmptyElement)
            return root;
        stack.Push(top);
        // An element's text is almost always one node: keep it as is; join only when there are several.
        string? first = null;
        StringBuilder? text = null;
        while (reader.Read())
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element:
                    var child = new AgentNode();
                    stack.Peek().Add(reader.Name, child);
                    if (reader.IsEmptyElement)
                    {
                        child.Text = "";
                    }
                    else
                    {
                        stack.Push(child);
                        first = null;
                        text = null;
                    }
                    break;
                case XmlNodeType.Text:
                case XmlNodeType.CDATA:
                case XmlNodeType.SignificantWhitespace:
                    if (text is not null)
                        text.Append(reader.Value);
                    else if (first is null)
                        first = reader.Value;
                    else
                        text = new StringBuilder(first).Append(reader.Value);
                    break;
                case XmlNodeType.EndElement:
                    var done = stack.Pop();
                    if (!done.HasChildren)
                        done.Text = text?.ToString() ?? first ?? "";
                    first = null;
                    text = null;
                    if (stack.Count == 0)
                        return root;
                    break;
            }
        }
        return root;
    }
}
