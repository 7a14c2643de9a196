namespace ItInventory.Functions.Assets;

/// <summary>The four kinds of thing the inventory holds.</summary>
public enum AssetKind
{
    Hardware,
    Software,
    CloudResource,
    IotDevice,
}

/// <summary>What a hardware (or IoT/cloud) asset is, within its kind.</summary>
public enum AssetType
{
    Unknown,
    Laptop,
    Desktop,
    Server,
    NetworkGear,
    Peripheral,
    Mobile,
    VirtualMachine,
    CloudService,
    IotSensor,
    RemoteDevice,
}

/// <summary>Lifecycle of an asset. <see cref="Discovered"/> is what enrolled itself and awaits review.</summary>
public enum LifecycleState
{
    Discovered,
    Ordered,
    InStock,
    Deployed,
    InRepair,
    Idle,
    Retired,
    Disposed,

    /// <summary>A discovered device that review turned down (not ours, personal, duplicate): kept for the record, its
    /// credential revoked; terminal.</summary>
    Rejected,
}

public enum Criticality
{
    Unassigned,
    Low,
    Medium,
    High,
    MissionCritical,
}

/// <summary>State of one software row of an asset.</summary>
public enum SoftwareState
{
    Installed,
    Uninstalled,
}
