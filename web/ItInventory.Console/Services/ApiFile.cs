namespace ItInventory.Console.Services;

/// <summary>A file the API answered (a report download): its bytes, media type and name.</summary>
public sealed record ApiFile(byte[] Content, string ContentType, string FileName);
