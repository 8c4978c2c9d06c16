wait_log '"poll finished in'
