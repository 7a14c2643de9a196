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

    /// <summary>Loads a JSON value (keys upper-cased, arrays become repeated children).</summary>
    public static AgentNode FromJson(JsonElement element)
    {
        var node = new AgentNode();
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    var key = property.Name;
                    if (property.Value.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var item in property.Value.EnumerateArray())
                            node.Add(key, FromJson(item));
                    }
                    else
                    {
                        node.Add(key, FromJson(property.Value));
                    }
                }
                break;
            case JsonValueKind.String:
                node.Text = element.GetString();
                break;
            case JsonValueKind.Number:
                node.Text = element.GetRawText();
                break;
            case JsonValueKind.True:
                node.Text = "1";
                break;
            case JsonValueKind.False:
                node.Text = "0";
                break;
        }
        return node;
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
        using var stream = new MemoryStream(xml.ToArray(), writable: false);
        using var reader = XmlReader.Create(stream, settings);
        reader.MoveToContent();
        var root = new AgentNode();
        var stack = new Stack<AgentNode>();
        var top = new AgentNode();
        root.Add(reader.Name, top);
        if (reader.IsEmptyElement)
            return root;
        stack.Push(top);
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
                        text = null;
                    }
                    break;
                case XmlNodeType.Text:
                case XmlNodeType.CDATA:
                case XmlNodeType.SignificantWhitespace:
                    (text ??= new StringBuilder()).Append(reader.Value);
                    break;
                case XmlNodeType.EndElement:
                    var done = stack.Pop();
                    if (!done.HasChildren)
                        done.Text = text?.ToString() ?? "";
                    text = null;
                    if (stack.Count == 0)
                        return root;
                    break;
            }
        }
        return root;
    }
}
