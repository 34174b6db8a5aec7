import { useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-aria-components';
import { navigate } from '../../app/router.ts';
import { useT } from '../../i18n/useT.ts';
import { ArrowBack, useToast } from '../../ui/index.ts';
import { CustomerForm } from './CustomerForm.tsx';

export default function CustomerCreatePage() {
  const t = useT();
  const toast = useToast();
  const client = useQueryClient();
  return (
    <div className="page page-narrow">
      <Link href="/customers" className="back-link"><ArrowBack />{t('customers.title')}</Link>
      <header className="page-header"><h1>{t('customer.createTitle')}</h1></header>
      <div className="card">
        <CustomerForm
          onSaved={(customer) => {
            void client.invalidateQueries({ queryKey: ['customers'] });
            client.setQueryData(['customer', customer.id], customer);
            toast(t('customer.created'));
            navigate(`/customers/${customer.id}`);
          }}
          onCancel={() => navigate('/customers')}
        />
      </div>
    </div>
  );
}
