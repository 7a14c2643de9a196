# Runs a Windows script unmodified under PowerShell 7 on Linux: functions named like the Windows-only cmdlets (and
# native tools) it calls take precedence over commands, record what they are asked in a JSON file and answer from
# the settings; everything that is not Windows-only (files, HTTP, JSON) passes through to the real cmdlets.
param([Parameter(Mandatory = $true)][string]$SettingsFile)
$PSStyle.OutputRendering = 'PlainText'
$settings = Get-Content -Raw $SettingsFile | ConvertFrom-Json -AsHashtable
$global:Calls = [System.Collections.Generic.List[object]]::new()
$global:Keys = [System.Collections.Generic.HashSet[string]]::new([string[]]$settings.existingKeys,
    [StringComparer]::OrdinalIgnoreCase)
$global:Services = [string[]]$settings.existingServices
$global:Settings = $settings
function global:Record([string]$Command, [hashtable]$Values) { $global:Calls.Add(@{ command = $Command } + $Values) }
function global:IsRegistry($Path) { "$Path" -like 'HKLM:*' }

function global:Test-Path {
    param([Parameter(Position = 0)][string[]]$Path, [Parameter(ValueFromRemainingArguments = $true)]$Rest)
    if (IsRegistry $Path) { Record 'Test-Path' @{ path = "$Path" }; return $global:Keys.Contains("$Path") }
    Microsoft.PowerShell.Management\Test-Path -Path $Path @Rest
}
function global:New-Item {
    param([Parameter(Position = 0)][string[]]$Path, [string]$ItemType, [switch]$Force)
    if (IsRegistry $Path) { Record 'New-Item' @{ path = "$Path" }; [void]$global:Keys.Add("$Path"); return }
    Microsoft.PowerShell.Management\New-Item -Path $Path -ItemType $ItemType -Force:$Force
}
function global:Get-ItemProperty {
    param([Parameter(Position = 0)][string]$Path, [string]$Name)
    if ($Path -eq 'HKLM:\SOFTWARE\Microsoft\Cryptography' -and $Name -eq 'MachineGuid') {
        return [pscustomobject]@{ MachineGuid = $global:Settings.machineGuid }
    }
    throw "Get-ItemProperty $Path $Name is not captured by the test wrapper."
}
function global:Set-ItemProperty {
    param([string]$Path, [string]$Name, $Value)
    if (-not $global:Keys.Contains($Path)) { throw "Set-ItemProperty: the key $Path does not exist." }
    Record 'Set-ItemProperty' @{ path = $Path; name = $Name; value = "$Value" }
}
function global:Get-CimInstance {
    param([Parameter(Position = 0)][string]$ClassName)
    $machine = $global:Settings.machine
    switch ($ClassName) {
        'Win32_BIOS' { [pscustomobject]@{ SerialNumber = $machine.serialNumber } }
        'Win32_ComputerSystemProduct' { [pscustomobject]@{ UUID = $machine.smbiosUuid } }
        'Win32_ComputerSystem' { [pscustomobject]@{ Manufacturer = $machine.manufacturer; Model = $machine.model } }
        default { throw "Get-CimInstance $ClassName is not captured by the test wrapper." }
    }
}
function global:Get-NetAdapter {
    param([switch]$Physical, [Parameter(ValueFromRemainingArguments = $true)]$Rest)
    foreach ($mac in $global:Settings.machine.macAddresses) { [pscustomobject]@{ MacAddress = $mac } }
}
# The registry ACL types throw PlatformNotSupportedException off Windows: stand-ins that keep what is asked.
function global:New-Object {
    param([Parameter(Position = 0)][string]$TypeName, [Parameter(Position = 1)][object[]]$ArgumentList)
    switch ($TypeName) {
        'System.Security.AccessControl.RegistrySecurity' {
            $acl = [pscustomobject]@{ protected = $null; preserveInherited = $null
                rules = [System.Collections.Generic.List[object]]::new() }
            $acl | Add-Member ScriptMethod SetAccessRuleProtection {
                param($isProtected, $preserve) $this.protected = $isProtected; $this.preserveInherited = $preserve }
            $acl | Add-Member ScriptMethod AddAccessRule { param($rule) $this.rules.Add($rule) }
            return $acl
        }
        'System.Security.Principal.SecurityIdentifier' { return [pscustomobject]@{ sid = "$($ArgumentList[0])" } }
        'System.Security.AccessControl.RegistryAccessRule' {
            return [pscustomobject]@{ sid = $ArgumentList[0].sid; rights = "$($ArgumentList[1])"
                inheritance = "$($ArgumentList[2])"; propagation = "$($ArgumentList[3])"; type = "$($ArgumentList[4])" }
        }
        default { Microsoft.PowerShell.Utility\New-Object -TypeName $TypeName -ArgumentList $ArgumentList }
    }
}
function global:Set-Acl {
    param([string]$Path, $AclObject)
    Record 'Set-Acl' @{ path = $Path; protected = $AclObject.protected; preserveInherited = $AclObject.preserveInherited
        rules = @($AclObject.rules) }
}
function global:Get-Service {
    param([string]$Name, [Parameter(ValueFromRemainingArguments = $true)]$Rest)
    Record 'Get-Service' @{ name = $Name }
    if ($global:Services -contains $Name) { [pscustomobject]@{ Name = $Name; Status = 'Running' } }
}
function global:Restart-Service { param([string]$Name) Record 'Restart-Service' @{ name = $Name } }
function global:Stop-Service { param([string]$Name, [switch]$Force) Record 'Stop-Service' @{ name = $Name } }
function global:Start-Service { param([string]$Name) Record 'Start-Service' @{ name = $Name } }
function global:New-Service {
    param([string]$Name, [string]$DisplayName, [string]$StartupType, [string]$BinaryPathName, [string]$Description)
    Record 'New-Service' @{ name = $Name; displayName = $DisplayName; startupType = $StartupType
        binaryPathName = $BinaryPathName; description = $Description }
    [pscustomobject]@{ Name = $Name }
}
# Real, but recorded (the path only) so that the order of ACL and file writes can be checked.
function global:Set-Content {
    param([string]$Path, [string]$Encoding, [Parameter(ValueFromPipeline = $true)]$Value)
    begin { $lines = [System.Collections.Generic.List[object]]::new() }
    process { $lines.Add($Value) }
    end {
        Record 'Set-Content' @{ path = $Path }
        Microsoft.PowerShell.Management\Set-Content -Path $Path -Encoding $Encoding -Value $lines
    }
}
function global:icacls.exe { Record 'icacls.exe' @{ arguments = @($args | ForEach-Object { "$_" }) } }
function global:sc.exe { Record 'sc.exe' @{ arguments = @($args | ForEach-Object { "$_" }) } }

$arguments = $settings.arguments
$exitCode = 0
try {
    & $settings.script @arguments
} catch {
    [Console]::Error.WriteLine("FAILED: $_")
    $exitCode = 1
} finally {
    [IO.File]::WriteAllText($settings.record, (ConvertTo-Json -InputObject @($global:Calls) -Depth 8))
}
exit $exitCode
