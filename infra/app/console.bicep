// The admin console (service "console" for azd): a Blazor WebAssembly app on Azure Static Web Apps, Free plan. It
// is static files only; it signs in with Entra ID in the browser and calls the function app, whose CORS allows
// exactly this site's origin (main.bicep).

@description('Static web app name.')
param name string

@description('Azure region (Static Web Apps exists in a few regions only; the files are served globally anyway).')
param location string

@description('Tags; the site also gets azd-service-name.')
param tags object

resource site 'Microsoft.Web/staticSites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'console' })
  sku: {
    name: 'Free'
    tier: 'Free'
  }
  properties: {
    // azd uploads the published files; no repository is connected.
    allowConfigFileUpdates: true
    stagingEnvironmentPolicy: 'Disabled'
  }
}

output name string = site.name
output uri string = 'https://${site.properties.defaultHostname}'
