"""The ops of one client, by family: `topics` (publish, advertise, subscribe, ...) and `services`
(call_service, advertise_service, service_response, ...). Each family declares its ops' fields
as data (SPECS) and handles the checked values; terry.bridge.session dispatches to them."""
