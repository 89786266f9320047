-- Orthanc auto-routing to NeuroStream (docs/pacs-integration.md): once an MR series is stable (no
-- new instance for StableAge seconds), send it to the DICOMweb server "neurostream" over STOW-RS
-- as an asynchronous job. Other modalities are not routed, in particular NeuroStream's own
-- verdict series (Modality OT, stored back when results.dicomweb.url points at this Orthanc).
-- The job's state is on Orthanc's /jobs; a failed job can be resubmitted
-- (POST /jobs/{id}/resubmit) and the gateway plus the classifier's de-duplication make a resend
-- harmless.
function OnStableSeries(seriesId, tags, metadata)
  if tags['Modality'] ~= 'MR' then
    return
  end
  local job = RestApiPost('/dicom-web/servers/neurostream/stow',
    '{"Resources": ["' .. seriesId .. '"], "Synchronous": false}')
  print('neurostream: routing series ' .. seriesId .. ' as job ' .. job)
end
